using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Training;

/// <summary>
/// Trains a network split over chips: forward chip by chip in plan order with training semantics, softmax
/// cross-entropy, backward in reverse plan order, an optimiser step on the network's <see cref="ParameterSet"/>
/// (in place). Each chip trains through its backend's <see cref="TrainingExecutor"/> (the vectorised CPU backend
/// trains; a backend that cannot declines with a named error). Every cut travels in its wire format forward and its
/// gradient travels back, both through the same <see cref="CutTransport"/> as inference and counted by
/// <see cref="Ledger"/>.
/// </summary>
/// <remarks>
/// <para>Training semantics: BatchNorm normalises with the batch statistics and updates the running statistics with
/// its momentum (nothing is folded); Dropout multiplies by a seeded mask scaled by 1/(1 - rate); the mask depends on
/// (<see cref="Seed"/>, <see cref="Step"/>, layer name, element) only.</para>
/// <para>The loss is the mean softmax cross-entropy of the last layer's output (the logits). When the last layer is a
/// <c>Softmax</c>, the loss is computed from that layer's input instead (the softmax is part of the loss, as in
/// PyTorch's <c>CrossEntropyLoss</c>); the softmax layer still runs forward, and gets no gradient.</para>
/// <para>Cut gradients are straight-through: the gradient of the value a receiving chip saw is taken as the gradient of
/// the value the sending chip sent (the wire format's rounding passes it unchanged), and that gradient is itself packed
/// in the cut's wire format on its way back.</para>
/// <para>Calls are serialised (one batch on the chips at a time). A trainer does not own the chip set.</para>
/// </remarks>
public sealed partial class Trainer : IDisposable
{
    private readonly ChipSet _chipSet;
    private readonly TrainingExecutor[] _chips;
    private readonly CutTransport _transport;
    private readonly List<TrainableTensor> _trainable = new();
    private readonly Dictionary<string, float[]> _gradients = new(StringComparer.Ordinal);
    private readonly OptimizerState _optimizer;
    private readonly object _gate = new();
    private readonly int _lossLayer;
    private readonly int _lossInput;
    private readonly int _classes;
    private readonly int[][] _cutsBySource;
    private readonly BatchLimit _batchLimit;
    private float[] _lossGradient = Array.Empty<float>();
    private bool _disposed;

    private Trainer(NetworkPlan plan, ParameterSet parameters, ChipSet chips, TrainerOptions options)
    {
        chips.ThrowIfDisposed();
        if (chips.Count != plan.Chips.Count)
        {
            throw new ArgumentException($"Network '{plan.Name}' is planned for {plan.Chips.Count} chips, but the chip set has {chips.Count}.", nameof(chips));
        }

        if (!ReferenceEquals(parameters.Plan, plan) && !parameters.Fits(plan))
        {
            throw new ArgumentException($"The parameters are those of network '{parameters.Plan.Name}', which does not have the parameter tensors of '{plan.Name}'.", nameof(parameters));
        }

        options.Optimizer.Validate();
        if (!Enum.IsDefined(options.NanPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.NanPolicy, $"Network '{plan.Name}': unknown NaN policy {options.NanPolicy}.");
        }

        Plan = plan;
        Parameters = parameters;
        Options = options;
        Seed = options.Seed;
        _chipSet = chips;
        Ledger = new TrafficLedger(plan);
        _transport = new CutTransport(plan, Ledger);
        _batchLimit = new BatchLimit(plan);
        foreach (var p in parameters.Tensors.Where(p => p.Trainable))
        {
            var gradient = new float[p.Elements];
            _gradients.Add(p.Name, gradient);
            _trainable.Add(new TrainableTensor(p, parameters[p.Name], gradient));
        }

        _optimizer = options.Optimizer.CreateState();
        var state = new TrainingState(parameters, _gradients);
        _chips = Enumerable.Range(0, plan.Chips.Count).Select(c => chips.Chips[c].CreateTraining(plan, c, state)).ToArray();
        _cutsBySource = plan.Layers.Select(l => plan.Cuts.Where(c => c.SourceLayer == l.Index).Select(c => c.Index).ToArray()).ToArray();

        var last = plan.Output;
        (_lossLayer, _lossInput) = last.Kind == LayerKind.Softmax ? (last.Index, 0) : (last.Index, -1);
        var logitsShape = _lossInput < 0 ? last.OutputShape : last.Inputs[0] < 0 ? plan.InputShape : plan.Layers[last.Inputs[0]].OutputShape;
        _classes = (int)Shapes.Elements(logitsShape);
    }

    public NetworkPlan Plan { get; }

    /// <summary>The network's parameters, updated in place by every step (a <c>Model</c> created afterwards runs the trained weights).</summary>
    public ParameterSet Parameters { get; }

    public TrainerOptions Options { get; }

    /// <summary>Measured forward and backward traffic of every cut since creation (or the last reset).</summary>
    public TrafficLedger Ledger { get; }

    /// <summary>Optimiser updates done (restored by <see cref="LoadCheckpoint"/>).</summary>
    public long Step { get; private set; }

    /// <summary>Completed epochs, as the training loop counts them; saved in and restored from checkpoints.</summary>
    public int Epoch { get; set; }

    /// <summary>The seed of the dropout masks (from the options, or from a loaded checkpoint).</summary>
    public int Seed { get; private set; }

    /// <summary>The learning rate the next update uses.</summary>
    public double LearningRate => Options.Schedule.At(Step);

    /// <summary>Classes of the loss: elements per sample of the logits.</summary>
    public int Classes => _classes;

    /// <summary>Names of the trainable tensors, in plan order.</summary>
    public IReadOnlyList<string> TrainableParameters => _trainable.Select(t => t.Name).ToArray();

    /// <summary>Creates a trainer of <paramref name="network"/> (its current parameters) on <paramref name="chips"/>.</summary>
    /// <exception cref="NotSupportedException">A chip's backend cannot train (the message names the chip).</exception>
    public static Trainer Create<TNetwork>(TNetwork network, ChipSet chips, TrainerOptions? options = null)
        where TNetwork : INetwork
    {
        ArgumentNullException.ThrowIfNull(network);
        return Create(TNetwork.Plan, network.Parameters, chips, options);
    }

    /// <summary>Creates a trainer of <paramref name="plan"/> (a plan made at run time, say a variant) with <paramref name="parameters"/>.</summary>
    /// <exception cref="NotSupportedException">A chip's backend cannot train (the message names the chip).</exception>
    public static Trainer Create(NetworkPlan plan, ParameterSet parameters, ChipSet chips, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(chips);
        return new Trainer(plan, parameters, chips, options ?? new TrainerOptions());
    }

    /// <summary>
    /// One training step on a batch: forward, loss, backward, then the optimiser update with the learning rate of the
    /// current step. <paramref name="images"/> holds batch x input shape values (NCHW), <paramref name="labels"/> one
    /// class per sample.
    /// </summary>
    public TrainStepResult TrainStep(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int batch)
    {
        lock (_gate)
        {
            var result = RunLocked(images, labels, batch, backward: true);
            _optimizer.Update(_trainable, result.LearningRate, Step + 1);
            Step++;
            return result;
        }
    }

    /// <summary>Forward, loss and backward without an update: the gradients are then in <see cref="Gradient"/>.</summary>
    public TrainStepResult ComputeGradients(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int batch)
    {
        lock (_gate)
        {
            return RunLocked(images, labels, batch, backward: true);
        }
    }

    /// <summary>
    /// The training-mode forward and the loss only (batch statistics, this step's dropout masks; BatchNorm running
    /// statistics are updated as in any training forward). Forward traffic is counted.
    /// </summary>
    public TrainStepResult ComputeLoss(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int batch)
    {
        lock (_gate)
        {
            return RunLocked(images, labels, batch, backward: false);
        }
    }

    /// <summary>The gradient of a trainable tensor from the last backward pass (PyTorch layout, same length as the tensor).</summary>
    public ReadOnlySpan<float> Gradient(string parameter) =>
        _gradients.TryGetValue(parameter, out var gradient)
            ? gradient
            : throw new KeyNotFoundException($"Network '{Plan.Name}' has no trainable parameter '{parameter}'.");

    private TrainStepResult RunLocked(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int batch, bool backward)
    {
        ThrowIfDisposed();
        Validate(images, labels, batch);
        if (Options.NanPolicy == NanPolicy.Reject)
        {
            RejectNaN(images, batch, "the input images");
        }

        foreach (var chip in _chips)
        {
            chip.Prepare(batch);
            if (chip.ReadsInput)
            {
                chip.WriteInput(images);
            }
        }

        // Forward: the plan's execution order, each cut sent right after its source layer.
        foreach (var layer in Plan.Layers)
        {
            _chips[layer.Chip].Forward(layer.Index, Seed, Step);
            foreach (var cut in _cutsBySource[layer.Index])
            {
                var info = Plan.Cuts[cut];
                _transport.Transfer(cut, CutDirection.Forward, batch, _chips[info.FromChip], _chips[info.ToChip]);
            }
        }

        Ledger.CountForward(batch);

        var lossChip = _chips[Plan.Layers[_lossLayer].Chip];
        var logits = lossChip.ReadLogits(_lossLayer, _lossInput);
        if (Options.NanPolicy == NanPolicy.Reject)
        {
            RejectNaN(logits, batch, $"the logits (layer '{Plan.Layers[_lossLayer].Name}'{(_lossInput < 0 ? string.Empty : ", input of the final softmax")})");
        }

        var correct = CountCorrect(logits, labels, batch);
        var learningRate = LearningRate;
        if (!backward)
        {
            var forwardLoss = Softmax.CrossEntropy(logits, labels, batch, _classes);
            EndPass(backward: false);
            return new TrainStepResult(forwardLoss, correct, batch, learningRate);
        }

        foreach (var chip in _chips)
        {
            chip.BeginBackward();
        }

        if (_lossGradient.Length < logits.Length)
        {
            _lossGradient = new float[logits.Length];
        }

        var gradLogits = _lossGradient.AsSpan(0, logits.Length);
        var loss = Softmax.CrossEntropy(logits, labels, batch, _classes, gradLogits);
        lossChip.WriteLogitsGradient(_lossLayer, _lossInput, gradLogits);

        // Backward: reverse plan order; a cut's gradient goes back just before its source layer's backward, when
        // every reader of the cut (all later in plan order) has added its share.
        for (var i = Plan.Layers.Count - 1; i >= 0; i--)
        {
            foreach (var cut in _cutsBySource[i])
            {
                var info = Plan.Cuts[cut];
                _transport.Transfer(cut, CutDirection.Backward, batch, _chips[info.ToChip], _chips[info.FromChip]);
            }

            if (i == _lossLayer && _lossInput >= 0)
            {
                continue; // the final Softmax is part of the loss
            }

            _chips[Plan.Layers[i].Chip].Backward(i);
        }

        Ledger.CountBackward(batch);
        EndPass(backward: true);
        return new TrainStepResult(loss, correct, batch, learningRate);
    }

    /// <summary>Every chip's gradients and running statistics into the trainer's arrays (remote chips bring them home).</summary>
    private void EndPass(bool backward)
    {
        foreach (var chip in _chips)
        {
            chip.EndPass(backward);
        }
    }

    /// <summary>Under <see cref="NanPolicy.Reject"/>: stops the step before anything is updated, naming the sample and element.</summary>
    private void RejectNaN(ReadOnlySpan<float> values, int batch, string what)
    {
        var index = NanPolicies.IndexOfNaN(values);
        if (index >= 0)
        {
            var perSample = values.Length / batch;
            throw new ArithmeticException(
                $"Network '{Plan.Name}', step {Step}: NaN in {what} at element {index} (sample {index / perSample}, element {index % perSample} of it); NanPolicy.Reject stopped the step before any update.");
        }
    }

    private int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch)
    {
        var correct = 0;
        for (var n = 0; n < batch; n++)
        {
            var row = logits.Slice(n * _classes, _classes);
            var best = 0;
            for (var c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            correct += best == labels[n] ? 1 : 0;
        }

        return correct;
    }

    private void Validate(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int batch)
    {
        _batchLimit.Check(batch);

        var inputLength = batch * Shapes.Elements(Plan.InputShape);
        if (images.Length != inputLength)
        {
            throw new ArgumentException(
                $"Network '{Plan.Name}' takes {inputLength} input values for a batch of {batch} (shape [{batch}, {string.Join(", ", Plan.InputShape)}]), but got {images.Length}.",
                nameof(images));
        }

        if (labels.Length != batch)
        {
            throw new ArgumentException($"Network '{Plan.Name}': a batch of {batch} needs {batch} labels, but got {labels.Length}.", nameof(labels));
        }

        for (var n = 0; n < batch; n++)
        {
            if ((uint)labels[n] >= (uint)_classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[n], $"Network '{Plan.Name}': the label of sample {n} is outside [0, {_classes}).");
            }
        }
    }

    private void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _chipSet.ThrowIfDisposed();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                foreach (var chip in _chips)
                {
                    chip.Dispose();
                }
            }
        }
    }

    public override string ToString() => $"Trainer of {Plan.Name} on {_chipSet}, step {Step}";
}

/// <summary>How a <see cref="Trainer"/> trains.</summary>
public sealed record TrainerOptions
{
    /// <summary>The optimiser and its hyper-parameters (default: SGD, momentum 0.9).</summary>
    public OptimizerOptions Optimizer { get; init; } = OptimizerOptions.Sgd();

    /// <summary>The learning rate per step (default: constant 0.01).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant(0.01);

    /// <summary>Seed of the dropout masks.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// What a NaN in a step's input images or logits does: <see cref="NanPolicy.Propagate"/> (the default) trains
    /// on, <see cref="NanPolicy.Reject"/> throws before the step updates anything, naming the sample.
    /// </summary>
    public NanPolicy NanPolicy { get; init; }
}

/// <summary>What one step computed: the mean loss over the batch, how many samples the logits classified correctly, and the learning rate used.</summary>
public readonly record struct TrainStepResult(float Loss, int Correct, int Samples, double LearningRate)
{
    public double Accuracy => Samples == 0 ? 0 : (double)Correct / Samples;
}
