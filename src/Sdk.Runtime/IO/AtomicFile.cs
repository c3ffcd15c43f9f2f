using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Sdk.Runtime.IO
{
    /// <summary>
    /// Writes a file through a temporary sibling that is renamed over the target when complete,
    /// so a crash or an exception mid-write never leaves a truncated file at the target path.
    /// </summary>
    /// <remarks>
    /// The temporary is <c>.{name}.{host}.{pid}.{32 hex digits}.tmp</c> beside the target. A process killed mid-write
    /// (kill -9, power loss) leaves it behind; the next <see cref="Write"/> of the same target removes such leftovers,
    /// but only those that no live writer can be using: written on this host by a process that is no longer running, or
    /// last written before the process now holding that id started (the id was reused). Temporaries of other hosts
    /// (a shared file system) are left alone, since their writers cannot be checked from here; temporaries of the
    /// earlier naming without host and id (<c>.{name}.{32 hex digits}.tmp</c>) are removed once a day old.
    /// </remarks>
    public static class AtomicFile
    {
        private const string Suffix = ".tmp";

        // Process start times and file times come from different clocks; a temporary written within this margin of its
        // writer's start is still taken as that writer's.
        private static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(2);

        // A temporary of the earlier naming (no host, no process id) untouched this long has no writer left.
        internal static readonly TimeSpan LegacyAge = TimeSpan.FromDays(1);

        /// <summary>
        /// Writes <paramref name="path"/> with what <paramref name="writeContent"/> writes to the stream: to a temporary
        /// sibling first, renamed over the target when complete, so readers see the old file or the whole new one.
        /// </summary>
        public static void Write(string path, Action<Stream> writeContent)
        {
            string fullPath = Path.GetFullPath(path);
            string directory = Path.GetDirectoryName(fullPath) ?? ".";
            string fileName = Path.GetFileName(fullPath);
            RemoveStaleTemporaries(directory, fileName);

            // Same directory as the target: a rename within one file system is atomic.
            string temporaryPath = Path.Combine(directory, TemporaryName(fileName, Environment.MachineName, Environment.ProcessId, Guid.NewGuid()));
            try
            {
                using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    writeContent(stream);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporaryPath, fullPath, overwrite: true);
            }
            catch
            {
                TryDelete(temporaryPath);
                throw;
            }
        }

        /// <summary>The temporary file name of one write of <paramref name="fileName"/>.</summary>
        internal static string TemporaryName(string fileName, string host, int processId, Guid id) =>
            string.Create(CultureInfo.InvariantCulture, $".{fileName}.{host}.{processId}.{id:N}{Suffix}");

        /// <summary>
        /// Deletes the temporaries of <paramref name="fileName"/> in <paramref name="directory"/> whose writers are gone
        /// (see the remarks on <see cref="AtomicFile"/>); returns how many were deleted. Best effort: a temporary that
        /// cannot be examined or deleted is left.
        /// </summary>
        internal static int RemoveStaleTemporaries(string directory, string fileName)
        {
            string prefix = "." + fileName + ".";
            string[] candidates;
            try
            {
                // The name is matched exactly below; the pattern only narrows the listing (it treats * and ? as wildcards).
                candidates = Directory.GetFiles(directory, "*" + Suffix);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return 0;
            }

            int removed = 0;
            foreach (string candidate in candidates)
            {
                string name = Path.GetFileName(candidate);
                if (name.Length > prefix.Length + Suffix.Length
                    && name.StartsWith(prefix, StringComparison.Ordinal)
                    && name.EndsWith(Suffix, StringComparison.Ordinal)
                    && IsStale(candidate, name[prefix.Length..^Suffix.Length])
                    && TryDelete(candidate))
                {
                    removed++;
                }
            }

            return removed;
        }

        // `tail` is what follows ".{name}." and precedes ".tmp": "{host}.{pid}.{id}" now, "{id}" in the earlier naming.
        private static bool IsStale(string path, string tail)
        {
            DateTime lastWrite;
            try
            {
                lastWrite = File.GetLastWriteTimeUtc(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }

            if (IsId(tail))
            {
                return DateTime.UtcNow - lastWrite > LegacyAge;
            }

            int idDot = tail.LastIndexOf('.');
            int pidDot = idDot > 0 ? tail.LastIndexOf('.', idDot - 1) : -1;
            if (pidDot <= 0
                || !IsId(tail[(idDot + 1)..])
                || !int.TryParse(tail.AsSpan(pidDot + 1, idDot - pidDot - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int processId)
                || processId <= 0
                || tail[..pidDot] != Environment.MachineName)
            {
                // Another target's temporary (".{name}.x.{host}..." also starts with ".{name}."), another host's, or not ours.
                return false;
            }

            return !WriterMayBeAlive(processId, lastWrite);
        }

        private static bool WriterMayBeAlive(int processId, DateTime lastWriteUtc)
        {
            try
            {
                using Process process = Process.GetProcessById(processId);
                // A process that started after the temporary was last written did not write it: the id was reused.
                return process.StartTime.ToUniversalTime() - ClockMargin <= lastWriteUtc;
            }
            catch (ArgumentException)
            {
                return false; // no process has that id
            }
            catch (InvalidOperationException)
            {
                return false; // it exited while being examined
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or NotSupportedException or UnauthorizedAccessException)
            {
                return true; // cannot tell: keep the file
            }
        }

        private static bool IsId(string text)
        {
            if (text.Length != 32)
            {
                return false;
            }

            foreach (char c in text)
            {
                if (!char.IsAsciiHexDigitLower(c))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool TryDelete(string path)
        {
            try
            {
                File.Delete(path);
                return true;
            }
            catch (IOException)
            {
                // Best effort: the original exception (or the write under way) is what matters.
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
