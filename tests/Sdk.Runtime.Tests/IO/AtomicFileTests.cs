using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Sdk.Runtime.IO;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.IO
{
    public sealed class AtomicFileTests : IDisposable
    {
        // Above any Linux pid_max (at most 2^22): no process ever has this id.
        private const int DeadProcessId = int.MaxValue;

        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void A_write_that_fails_midway_leaves_the_old_file_and_no_temporary_file()
        {
            string path = _temp.File("weights.bin");
            File.WriteAllText(path, "previous");

            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write(new byte[1000]);
                throw new InvalidOperationException("simulated crash");
            }));

            Assert.Equal("previous", File.ReadAllText(path));
            Assert.Equal([path], Directory.GetFiles(_temp.Path));
        }

        [Fact]
        public void A_complete_write_replaces_the_file()
        {
            string path = _temp.File("weights.bin");
            File.WriteAllText(path, "previous");
            AtomicFile.Write(path, stream => stream.Write([1, 2, 3]));
            Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(_temp.Path));
        }

        [Fact]
        public void The_temporary_names_the_target_host_and_process()
        {
            string path = _temp.File("weights.bin");
            string? seen = null;
            AtomicFile.Write(path, _ => seen = Directory.GetFiles(_temp.Path).Single());
            string name = Path.GetFileName(seen!);
            Assert.StartsWith($".weights.bin.{Environment.MachineName}.{Environment.ProcessId}.", name, StringComparison.Ordinal);
            Assert.EndsWith(".tmp", name, StringComparison.Ordinal);
            Assert.Equal(AtomicFile.TemporaryName("weights.bin", Environment.MachineName, Environment.ProcessId, Guid.Empty).Length, name.Length);
        }

        private string Temporary(string target, string host, int processId, DateTime? lastWriteUtc = null)
        {
            string path = _temp.File(AtomicFile.TemporaryName(target, host, processId, Guid.NewGuid()));
            File.WriteAllText(path, "half a file");
            if (lastWriteUtc is DateTime time)
            {
                File.SetLastWriteTimeUtc(path, time);
            }

            return path;
        }

        [Fact]
        public void The_next_write_removes_temporaries_left_by_killed_writers_and_only_those()
        {
            string host = Environment.MachineName;
            string path = _temp.File("checkpoint.safetensors");
            File.WriteAllText(path, "previous");
            DateTime ownStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
            DateTime initStart;
            using (Process init = Process.GetProcessById(1))
            {
                initStart = init.StartTime.ToUniversalTime();
            }

            // Stale: their writers cannot be running.
            string dead = Temporary("checkpoint.safetensors", host, DeadProcessId);
            string reusedOwnId = Temporary("checkpoint.safetensors", host, Environment.ProcessId, ownStart.AddMinutes(-10));
            string reusedInitId = Temporary("checkpoint.safetensors", host, 1, initStart.AddHours(-1));
            string legacyOld = _temp.File($".checkpoint.safetensors.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(legacyOld, "old naming");
            File.SetLastWriteTimeUtc(legacyOld, DateTime.UtcNow - AtomicFile.LegacyAge - TimeSpan.FromHours(1));

            // Kept: a live writer may be using them, or they are not this target's.
            string[] kept =
            [
                Temporary("checkpoint.safetensors", host, Environment.ProcessId),          // this process, now
                Temporary("checkpoint.safetensors", host, 1),                              // a live process, after it started
                Temporary("checkpoint.safetensors", host + "-other", DeadProcessId),       // another host: cannot be checked
                Temporary("checkpoint.safetensors.bak", host, DeadProcessId),              // another target
                Temporary("checkpoint", host, DeadProcessId),                              // another target, a prefix of this one
                _temp.File($".checkpoint.safetensors.{Guid.NewGuid():N}.tmp"),             // earlier naming, recent
                _temp.File($".checkpoint.safetensors.{host}.x1.{Guid.NewGuid():N}.tmp"),   // not a process id
                _temp.File("checkpoint.safetensors.tmp"),                                  // not a temporary of ours
                _temp.File("notes.txt"),
            ];
            foreach (string file in kept.Where(f => !File.Exists(f)))
            {
                File.WriteAllText(file, "keep");
            }

            AtomicFile.Write(path, stream => stream.Write([7]));

            Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(path));
            Assert.False(File.Exists(dead));
            Assert.False(File.Exists(reusedOwnId));
            Assert.False(File.Exists(reusedInitId));
            Assert.False(File.Exists(legacyOld));
            Assert.Equal(kept.Append(path).Order(StringComparer.Ordinal), Directory.GetFiles(_temp.Path).Order(StringComparer.Ordinal));
        }

        [Fact]
        public void A_write_under_way_in_this_process_is_not_swept_by_another_write_of_the_same_path()
        {
            string path = _temp.File("weights.bin");
            AtomicFile.Write(path, outer =>
            {
                outer.Write([1, 1]);
                AtomicFile.Write(path, inner => inner.Write([2]));  // sweeps while the outer temporary is open
                outer.Write([1]);
            });

            Assert.Equal(new byte[] { 1, 1, 1 }, File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(_temp.Path));
        }

        [Fact]
        public void Sweeping_counts_what_it_removed_and_ignores_a_missing_directory()
        {
            Temporary("a.bin", Environment.MachineName, DeadProcessId);
            Temporary("a.bin", Environment.MachineName, DeadProcessId);
            Temporary("b.bin", Environment.MachineName, DeadProcessId);
            Assert.Equal(2, AtomicFile.RemoveStaleTemporaries(_temp.Path, "a.bin"));
            Assert.Equal(0, AtomicFile.RemoveStaleTemporaries(_temp.Path, "a.bin"));
            Assert.Equal(0, AtomicFile.RemoveStaleTemporaries(_temp.File("missing"), "a.bin"));
            Assert.Single(Directory.GetFiles(_temp.Path));
        }
    }
}
