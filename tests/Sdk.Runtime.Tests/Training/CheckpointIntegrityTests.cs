using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Sdk.Runtime.Tests.Networks;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Training;
using Sdk.Runtime.Weights;

namespace Sdk.Runtime.Tests.Training;

/// <summary>
/// A checkpoint's checksum: every changed byte of a saved checkpoint is refused, version-1 checkpoints (no checksum)
/// only load when asked to, and a save sweeps the temporaries of killed saves.
/// </summary>
public sealed class CheckpointIntegrityTests : IDisposable
{
    private static readonly TrainerOptions Sgd = new()
    {
        Optimizer = OptimizerOptions.Sgd(momentum: 0.9),
        Schedule = LearningRateSchedule.Constant(0.1),
        Seed = 3,
    };

    private readonly TempDirectory _temp = new();
    private readonly SplitResidual _network = new();
    private readonly ChipSet _chips = ChipSet.Cpu(2);
    private readonly Trainer _trainer;

    public CheckpointIntegrityTests()
    {
        _trainer = Trainer.Create(_network, _chips, Sgd);
        var (images, labels) = GradientCheck.Batch(SplitResidual.Plan, 4, 5);
        _trainer.TrainStep(images, labels, 4);
    }

    public void Dispose()
    {
        _trainer.Dispose();
        _chips.Dispose();
        _temp.Dispose();
    }

    private string Save(string name)
    {
        var path = _temp.File(name);
        _trainer.SaveCheckpoint(path);
        return path;
    }

    private CheckpointException Rejects(string path, string expected, bool allowUnverified = false)
    {
        var e = Assert.Throws<CheckpointException>(() => _trainer.LoadCheckpoint(path, allowUnverified));
        Assert.Equal(path, e.FilePath);
        Assert.Contains($"Checkpoint '{path}' cannot be loaded", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void A_checkpoint_records_the_sha256_of_its_content_and_loads()
    {
        var path = Save("c.safetensors");
        var file = SafeTensorsFile.Read(path);
        Assert.Equal("2", file.Metadata["version"]);
        var checksum = file.Metadata[Trainer.ChecksumKey];
        Assert.Matches("^[0-9a-f]{64}$", checksum);
        Assert.Equal(checksum, file.ComputeDigest(Trainer.ChecksumKey));

        _trainer.LoadCheckpoint(path);
        Assert.Equal(1, _trainer.Step);
    }

    [Fact]
    public void A_flipped_data_byte_is_refused_as_corrupt_and_changes_nothing()
    {
        var path = Save("c.safetensors");
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x01; // a low mantissa bit of the last float: a perfectly plausible value
        File.WriteAllBytes(path, bytes);
        var before = TestParameters.Snapshot(_network.Parameters);
        _trainer.Epoch = 7;

        var e = Rejects(path, "it is corrupt: the SHA-256 of its content is ");
        Assert.Contains("but it recorded", e.Message, StringComparison.Ordinal);
        Assert.Equal(7, _trainer.Epoch);
        foreach (var (name, values) in before)
        {
            Assert.Equal(values, _network.Parameters[name]);
        }
    }

    [Fact]
    public void A_changed_metadata_value_is_refused_as_corrupt()
    {
        // The same length, so the file stays valid safetensors: only the checksum can tell.
        var path = Save("c.safetensors");
        var bytes = File.ReadAllBytes(path);
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        var at = text.IndexOf("\"step\":\"1\"", StringComparison.Ordinal);
        Assert.True(at > 0);
        bytes[at + "\"step\":\"".Length] = (byte)'9';
        File.WriteAllBytes(path, bytes);
        Rejects(path, "it is corrupt");
    }

    [Fact]
    public void No_single_flipped_bit_in_the_header_or_the_data_loads()
    {
        // Every byte of the length prefix and the JSON header (each a different bit), and every 16th data byte.
        var good = Save("good.safetensors");
        var bytes = File.ReadAllBytes(good);
        var dataStart = 8 + (int)BitConverter.ToUInt64(bytes, 0);
        var path = _temp.File("flipped.safetensors");
        var before = TestParameters.Snapshot(_network.Parameters);
        var positions = Enumerable.Range(0, dataStart).Concat(Enumerable.Range(0, (bytes.Length - dataStart + 15) / 16).Select(k => dataStart + (16 * k) + (k % 4)));
        foreach (var i in positions.Where(i => i < bytes.Length))
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= (byte)(1 << (i % 8));
            File.WriteAllBytes(path, copy);
            var e = Record.Exception(() => _trainer.LoadCheckpoint(path));
            Assert.True(e is CheckpointException, $"byte {i} of {bytes.Length} (data from {dataStart}), bit {i % 8}: {e?.GetType().Name ?? "loaded"}");
        }

        foreach (var (name, values) in before)
        {
            Assert.Equal(values, _network.Parameters[name]);
        }
    }

    [Fact]
    public void A_version_2_checkpoint_without_its_checksum_is_corrupt()
    {
        var path = Rewrite(Save("c.safetensors"), "stripped.safetensors", meta => meta.Remove(Trainer.ChecksumKey));
        Rejects(path, $"it is corrupt: a version-2 checkpoint records its checksum in metadata '{Trainer.ChecksumKey}', and this one has none");
        Rejects(path, "it is corrupt", allowUnverified: true);
    }

    [Fact]
    public void A_version_1_checkpoint_is_refused_unless_allowed_and_then_restores_everything()
    {
        var saved = Save("v2.safetensors");
        var expected = TestParameters.Snapshot(_network.Parameters);
        var path = Rewrite(saved, "v1.safetensors", meta =>
        {
            meta.Remove(Trainer.ChecksumKey);
            meta["version"] = "1";
        });

        Rejects(path, "it is a version-1 checkpoint, written before checkpoints had a checksum, so corruption in it cannot be detected");
        Rejects(path, "allowUnverified: true");

        _network.Parameters.Initialize(seed: 99);
        _trainer.LoadCheckpoint(path, allowUnverified: true);
        Assert.Equal(1, _trainer.Step);
        foreach (var (name, values) in expected)
        {
            Assert.Equal(values, _network.Parameters[name]);
        }
    }

    [Fact]
    public void An_unknown_version_is_refused()
    {
        var path = Rewrite(Save("c.safetensors"), "v3.safetensors", meta => meta["version"] = "3");
        Rejects(path, "checkpoint version '3' is not supported (expected 2, or 1 unverified)");
        Rejects(path, "checkpoint version '3' is not supported", allowUnverified: true);
    }

    [Fact]
    public void A_directory_is_refused_with_its_name()
    {
        var path = _temp.File("dir.safetensors");
        Directory.CreateDirectory(path);
        Rejects(path, "it is a directory");
    }

    [Fact]
    public void Saving_removes_temporaries_that_killed_saves_of_the_same_path_left()
    {
        var path = _temp.File("run.safetensors");
        var stale = _temp.File($".run.safetensors.{Environment.MachineName}.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, new byte[100]);
        var otherHost = _temp.File($".run.safetensors.elsewhere.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(otherHost, new byte[100]);

        _trainer.SaveCheckpoint(path);

        Assert.Equal(new[] { otherHost, path }.Order(StringComparer.Ordinal), Directory.GetFiles(_temp.Path).Order(StringComparer.Ordinal));
        _trainer.LoadCheckpoint(path);
    }

    // The checkpoint's tensors rewritten with edited metadata (a valid safetensors file either way).
    private string Rewrite(string source, string name, Action<Dictionary<string, string>> edit)
    {
        var file = SafeTensorsFile.Read(source);
        var metadata = file.Metadata.ToDictionary(m => m.Key, m => m.Value);
        edit(metadata);
        var path = _temp.File(name);
        SafeTensorsFile.Write(path, file.GetAll(), WireDtype.F32, metadata);
        return path;
    }
}
