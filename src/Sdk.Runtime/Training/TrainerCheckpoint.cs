using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Sdk.Runtime.Weights;

namespace Sdk.Runtime.Training;

public sealed partial class Trainer
{
    /// <summary>The <c>format</c> metadata value of a training checkpoint.</summary>
    public const string CheckpointFormat = "sdk-training-checkpoint";

    /// <summary>Prefix of the optimiser state tensors: <c>optimizer.{parameter}.{state}</c>.</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>The metadata key of a checkpoint's content checksum (version 2 on): 64 lowercase hex digits of SHA-256.</summary>
    public const string ChecksumKey = "content_sha256";

    // Version 2 added the checksum; version 1 checkpoints have none and load only when asked to (allowUnverified).
    private const string CheckpointVersion = "2";
    private const string UnverifiedVersion = "1";

    /// <summary>
    /// Saves everything a resumed run needs as one safetensors file (float32): every tensor of the parameter set
    /// (trainable weights and BatchNorm running statistics) under its own name, the optimiser state as
    /// <c>optimizer.{parameter}.{state}</c> tensors, and in the metadata the step, the epoch, the dropout seed, the
    /// network and the optimiser, and the SHA-256 of all of it under <see cref="ChecksumKey"/>. Written to a temporary file
    /// and renamed, so a failed save leaves the previous file; the save also removes temporaries that killed saves of
    /// the same path left behind. A checkpoint also loads as weights: <c>parameters.Load(path, allowExtra: true)</c>.
    /// </summary>
    public void SaveCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        lock (_gate)
        {
            ThrowIfDisposed();
            var tensors = new List<NamedTensor>();
            foreach (var p in Parameters.Tensors)
            {
                tensors.Add(new NamedTensor(p.Name, p.Shape.ToArray(), Parameters[p.Name]));
            }

            foreach (var t in _trainable)
            {
                var state = _optimizer.For(t);
                for (var i = 0; i < state.Length; i++)
                {
                    tensors.Add(new NamedTensor($"{OptimizerPrefix}{t.Name}.{_optimizer.StateNames[i]}", t.Info.Shape.ToArray(), state[i]));
                }
            }

            var metadata = new Dictionary<string, string>
            {
                ["format"] = CheckpointFormat,
                ["version"] = CheckpointVersion,
                ["network"] = Plan.Name,
                ["step"] = Step.ToString(CultureInfo.InvariantCulture),
                ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
                ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
                ["optimizer"] = Options.Optimizer.Kind,
                ["optimizer_options"] = Options.Optimizer.ToString(),
                ["schedule"] = Options.Schedule.ToString() ?? string.Empty,
            };
            SafeTensorsWriter.Write(path, tensors, WireDtype.F32, metadata, ChecksumKey);
        }
    }

    /// <summary>
    /// Resumes from a checkpoint written by <see cref="SaveCheckpoint"/>: parameters, BatchNorm running statistics,
    /// optimiser state, <see cref="Step"/>, <see cref="Epoch"/> and <see cref="Seed"/>. The file is validated
    /// completely before anything changes, its checksum included; training on from here gives the same parameters as a
    /// run that was never interrupted (same options, same batches).
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="allowUnverified">
    /// Also load a version-1 checkpoint, written before checkpoints had a checksum, so that corruption in it cannot be
    /// detected. A checkpoint with a checksum (version 2) is always verified.
    /// </param>
    /// <exception cref="CheckpointException">The file is not a valid checkpoint of this network and optimiser (truncated, corrupt, other network, missing tensors, ...); the message names the file.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public void LoadCheckpoint(string path, bool allowUnverified = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensorsFile file;
        try
        {
            file = SafeTensorsFile.Read(path);
        }
        catch (WeightsFormatException e)
        {
            throw new CheckpointException(path, e.Message, e);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new CheckpointException(path, e.Message, e);
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            var meta = file.Metadata;
            string Meta(string key) => meta.TryGetValue(key, out var value)
                ? value
                : throw new CheckpointException(path, $"the metadata has no '{key}' entry; it is not a training checkpoint (format '{CheckpointFormat}').");

            if (Meta("format") != CheckpointFormat)
            {
                throw new CheckpointException(path, $"its format is '{meta["format"]}', not '{CheckpointFormat}'.");
            }

            VerifyChecksum(file, path, Meta("version"), allowUnverified);

            if (Meta("network") != Plan.Name)
            {
                throw new CheckpointException(path, $"it was saved from network '{meta["network"]}', not '{Plan.Name}'.");
            }

            if (Meta("optimizer") != Options.Optimizer.Kind)
            {
                throw new CheckpointException(path, $"it holds {meta["optimizer"]} optimiser state, but this trainer uses {Options.Optimizer.Kind}.");
            }

            var step = ParseNumber(path, "step", Meta("step"));
            var epoch = (int)ParseNumber(path, "epoch", Meta("epoch"), int.MaxValue);
            var seed = (int)ParseNumber(path, "seed", Meta("seed"), int.MaxValue, int.MinValue);

            // Decode and check every tensor before anything changes.
            var values = new List<(float[] Target, float[] Data)>();
            foreach (var p in Parameters.Tensors)
            {
                values.Add((Parameters[p.Name], Tensor(file, path, p.Name, p.Shape)));
            }

            foreach (var t in _trainable)
            {
                var state = _optimizer.For(t);
                for (var i = 0; i < state.Length; i++)
                {
                    values.Add((state[i], Tensor(file, path, $"{OptimizerPrefix}{t.Name}.{_optimizer.StateNames[i]}", t.Info.Shape)));
                }
            }

            foreach (var (target, data) in values)
            {
                data.CopyTo(target, 0);
            }

            Step = step;
            Epoch = epoch;
            Seed = seed;
        }
    }

    // Before anything else is believed: a checkpoint whose content is not what was written is corrupt, whatever it says.
    private static void VerifyChecksum(SafeTensorsFile file, string path, string version, bool allowUnverified)
    {
        if (version == UnverifiedVersion)
        {
            if (!allowUnverified)
            {
                throw new CheckpointException(
                    path,
                    $"it is a version-{UnverifiedVersion} checkpoint, written before checkpoints had a checksum, so corruption in it cannot be detected. " +
                    "Load it with LoadCheckpoint(path, allowUnverified: true) to accept it unchecked, and save a new checkpoint.");
            }

            return;
        }

        if (version != CheckpointVersion)
        {
            throw new CheckpointException(path, $"checkpoint version '{version}' is not supported (expected {CheckpointVersion}, or {UnverifiedVersion} unverified).");
        }

        if (!file.Metadata.TryGetValue(ChecksumKey, out var recorded))
        {
            throw new CheckpointException(path, $"it is corrupt: a version-{CheckpointVersion} checkpoint records its checksum in metadata '{ChecksumKey}', and this one has none.");
        }

        var actual = file.ComputeDigest(ChecksumKey);
        if (!string.Equals(actual, recorded, StringComparison.Ordinal))
        {
            throw new CheckpointException(
                path,
                $"it is corrupt: the SHA-256 of its content is {actual}, but it recorded {recorded} when it was written " +
                "(a tensor value or a metadata entry changed since).");
        }
    }

    private static float[] Tensor(SafeTensorsFile file, string path, string name, EquatableArray<int> shape)
    {
        var entry = file.Entries.FirstOrDefault(e => e.Name == name)
            ?? throw new CheckpointException(path, $"tensor '{name}' is missing.");
        if (entry.Dtype != WireDtype.F32)
        {
            throw new CheckpointException(path, $"tensor '{name}' is stored as {entry.Dtype.HeaderName()}; checkpoints are F32.");
        }

        if (!entry.Shape.AsSpan().SequenceEqual(shape.AsSpan()))
        {
            throw new CheckpointException(path, $"tensor '{name}' has shape {Shapes.Format(entry.Shape)}, expected {Shapes.Format(shape)}.");
        }

        return file.Get(name).Data;
    }

    private static long ParseNumber(string path, string key, string text, long max = long.MaxValue, long min = 0)
    {
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new CheckpointException(path, $"metadata '{key}' is '{text}', not a number in [{min}, {max}].");
        }

        return value;
    }
}

/// <summary>A training checkpoint cannot be loaded; the message names the file and what is wrong.</summary>
public sealed class CheckpointException : Exception
{
    public CheckpointException(string filePath, string problem, Exception? innerException = null)
        : base($"Checkpoint '{filePath}' cannot be loaded: {problem}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The checkpoint file.</summary>
    public string FilePath { get; }
}
