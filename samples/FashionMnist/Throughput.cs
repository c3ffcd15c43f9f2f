using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Sdk.Runtime;
using Sdk.Runtime.Data;
using Sdk.Runtime.Weights;

namespace FashionMnistSample;

/// <summary>
/// Training throughput of the sample, for benchmarks/training-peer (the same network on PyTorch): the sample's
/// network, chips and trainer (<see cref="FashionTraining"/>: AdamW, cosine schedule, dropout seed), trained for a
/// fixed number of steps on the training images in file order, batch k being images k·B .. k·B+B-1 (cycling over
/// the full batches). The dataset is decoded into memory before the clock starts and a batch is a slice of it, so
/// the time is the training steps only: forward, loss, backward, cut traffic both ways, optimiser update.
/// </summary>
public static class Throughput
{
    /// <summary>
    /// Trains <paramref name="warmup"/> untimed steps, then <paramref name="steps"/> timed ones, and prints one
    /// machine-readable line: <c>THROUGHPUT side=sdk images_per_s=… seconds=… median_step_ms=… …</c>.
    /// </summary>
    public static int Run(ImageDataset train, FashionOptions options, int steps, int warmup)
    {
        using var session = new Session(train, options);
        for (var s = 0; s < warmup; s++)
        {
            session.Step(s);
        }

        var stepMs = new double[steps];
        float firstLoss = 0, lastLoss = 0;
        var clock = Stopwatch.StartNew();
        var previous = TimeSpan.Zero;
        for (var s = 0; s < steps; s++)
        {
            var loss = session.Step(warmup + s);
            var now = clock.Elapsed;
            stepMs[s] = (now - previous).TotalMilliseconds;
            previous = now;
            firstLoss = s == 0 ? loss : firstLoss;
            lastLoss = loss;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(stepMs);
        var median = steps % 2 == 1 ? stepMs[steps / 2] : (stepMs[(steps / 2) - 1] + stepMs[steps / 2]) / 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"THROUGHPUT side=sdk images_per_s={(double)steps * options.Batch / seconds:0.0} seconds={seconds:0.000} median_step_ms={median:0.000} " +
            $"steps={steps} warmup={warmup} batch={options.Batch} threads={Environment.ProcessorCount} first_loss={firstLoss:0.0000} last_loss={lastLoss:0.0000}"));
        return 0;
    }

    /// <summary>
    /// For the architecture check of benchmarks/training-peer: trains <paramref name="warmup"/> steps (so weights and
    /// BatchNorm running statistics are not the initial ones), then writes into <paramref name="directory"/> the
    /// weights (<c>weights.safetensors</c>) and the inference logits of the first batch (<c>logits.f32</c>, batch x 10
    /// little-endian float32). peer.py --check loads the weights into the PyTorch model and compares its logits.
    /// </summary>
    public static int WritePeerCheck(ImageDataset train, FashionOptions options, int warmup, string directory)
    {
        Directory.CreateDirectory(directory);
        using var session = new Session(train, options);
        for (var s = 0; s < warmup; s++)
        {
            session.Step(s);
        }

        session.Network.Parameters.Save(Path.Combine(directory, "weights.safetensors"));
        using var model = Model.Create(session.Network, session.Chips);
        var batch = Math.Min(options.Batch, train.Count);
        var logits = model.Run(train.Images.AsSpan(0, batch * train.SampleSize), batch);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The check file is written little-endian.");
        }

        File.WriteAllBytes(Path.Combine(directory, "logits.f32"), MemoryMarshal.AsBytes<float>(logits).ToArray());

        var names = new List<string>();
        foreach (var layer in FashionCnn.Plan.Layers)
        {
            names.Add($"{layer.Name}:{layer.Kind}@{layer.Chip}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PEERCHECK side=sdk dir={directory} batch={batch} warmup={warmup} layers={string.Join(",", names)}"));
        return 0;
    }

    /// <summary>The sample's network and trainer over the whole training set, stepping through it in file order.</summary>
    private sealed class Session : IDisposable
    {
        private readonly ImageDataset _train;
        private readonly int[] _labels;
        private readonly int _batch;
        private readonly int _batches;
        private readonly FashionTraining _run;

        public Session(ImageDataset train, FashionOptions options)
        {
            _train = train;
            _batch = options.Batch;
            _batches = train.Count / options.Batch;
            if (_batches == 0)
            {
                throw new ArgumentException($"The batch ({options.Batch}) is larger than the {train.Count} training images.");
            }

            _labels = Array.ConvertAll(train.Labels, b => (int)b);
            Network = new FashionCnn();
            Network.Parameters.Initialize(options.Seed);
            Chips = ChipSet.Cpu(options.Chips);
            _run = new FashionTraining(Network, train, Chips, options);
        }

        public FashionCnn Network { get; }

        public ChipSet Chips { get; }

        /// <summary>One training step on batch <paramref name="index"/> (modulo the full batches); returns its loss.</summary>
        public float Step(int index)
        {
            var start = (index % _batches) * _batch;
            var images = _train.Images.AsSpan(start * _train.SampleSize, _batch * _train.SampleSize);
            return _run.Trainer.TrainStep(images, _labels.AsSpan(start, _batch), _batch).Loss;
        }

        public void Dispose()
        {
            _run.Trainer.Dispose();
            Chips.Dispose();
        }
    }
}
