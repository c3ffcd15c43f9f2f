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
/// <para>The network input arrives at <see cref="NetworkPlan.InputChip"/>, which sends it to every other chip that
/// reads it (input cuts, forward only); no gradient is computed for the input or sent back for it.</para>
/// <para>Cut gradients are straight-through: the gradient of the value a receiving chip saw is taken as the gradient of
/// the value the sending chip sent (the wire format's rounding passes it unchanged), and that gradient is itself packed
/// in the cut's wire format on its way back.</para>
/// <para>Data-parallel training (<see cref="TrainerOptions.DataParallel"/>) runs several replicas of the chips, each on a
/// share of the batch, and exchanges weights and gradients between them (see <see cref="DataParallelOptions"/>); with
/// one replica (the default) nothing is exchanged. Adaptive precision (<see cref="TrainerOptions.AdaptiveCuts"/>,
/// <see cref="DataParallelOptions.AdaptiveWeights"/>) raises the bits of truncated tensors as training settles
/// (<see cref="Precision"/>).</para>
/// <para>Calls are serialised (one batch on the chips at a time). A trainer does not own the chip set.</para>
/// </remarks>
public sealed partial class Trainer : IDisposable
{
    private readonly ChipSet _chipSet;
    private readonly Replica[] _replicas;
    private readonly CutTransport _transport;
    private readonly WeightExchange _exchange;
    private readonly List<TrainableTensor> _trainable = new();
    private readonly Dictionary<string, float[]> _gradients = new(StringComparer.Ordinal);
    private readonly OptimizerState _optimizer;
    private readonly object _gate = new();
    private readonly BatchLimit _batchLimit;
    private bool _disposed;

    private Trainer(NetworkPlan plan, ParameterSet parameters, ChipSet chips, TrainerOptions options)
    {
        chips.ThrowIfDisposed();
        options.DataParallel.Validate(plan);
        var replicas = options.DataParallel.Replicas;
        if (chips.Count != plan.Chips.Count * replicas)
        {
            throw new ArgumentException(
                replicas == 1
                    ? $"Network '{plan.Name}' is planned for {plan.Chips.Count} chips, but the chip set has {chips.Count}."
                    : $"Network '{plan.Name}' is planned for {plan.Chips.Count} chips; {replicas} replicas need {plan.Chips.Count * replicas}, but the chip set has {chips.Count}.",
                nameof(chips));
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
        _exchange = new WeightExchange(plan, Ledger, options.DataParallel.Gradients);
        Precision = new PrecisionPolicies(plan, options);
        Precision.Apply(_transport);
        _batchLimit = new BatchLimit(plan);
        foreach (var p in parameters.Tensors.Where(p => p.Trainable))
        {
            var gradient = new float[p.Elements];
            _gradients.Add(p.Name, gradient);
            _trainable.Add(new TrainableTensor(p, parameters[p.Name], gradient));
        }

        _optimizer = options.Optimizer.CreateState();

        // Replica 0 trains on the master parameters and gradients; the others on copies the exchange fills.
        _replicas = new Replica[replicas];
        for (var r = 0; r < replicas; r++)
        {
            var own = r == 0 ? parameters : new ParameterSet(plan);
            var gradients = r == 0 ? _gradients : _gradients.ToDictionary(g => g.Key, g => new float[g.Value.Length], StringComparer.Ordinal);
            _replicas[r] = new Replica(plan, own, gradients, chips.Chips.Skip(r * plan.Chips.Count).Take(plan.Chips.Count).ToArray());
        }
    }

    public NetworkPlan Plan { get; }

    /// <summary>The network's parameters, updated in place by every step (a <c>Model</c> created afterwards runs the trained weights).</summary>
    public ParameterSet Parameters { get; }

    public TrainerOptions Options { get; }

    /// <summary>Measured forward and backward traffic of every cut, and the replicas' exchange, since creation (or the last reset).</summary>
    public TrafficLedger Ledger { get; }

    /// <summary>The adaptive precision of cuts and exchanged weights: the bits in force and their schedules.</summary>
    public PrecisionPolicies Precision { get; }

    /// <summary>Optimiser updates done (restored by <see cref="LoadCheckpoint"/>).</summary>
    public long Step { get; private set; }

    /// <summary>Completed epochs, as the training loop counts them; saved in and restored from checkpoints.</summary>
    public int Epoch { get; set; }

    /// <summary>The seed of the dropout masks (from the options, or from a loaded checkpoint).</summary>
    public int Seed { get; private set; }

    /// <summary>The learning rate the next update uses.</summary>
    public double LearningRate => Options.Schedule.At(Step);

    /// <summary>Classes of the loss: elements per sample of the logits.</summary>
    public int Classes => _replicas[0].Classes;

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
            Precision.Observe(Parameters, _transport);
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
            RejectNaN(images, batch, "the input images", 0);
        }

        var learningRate = LearningRate;
        var inputSize = (int)Shapes.Elements(Plan.InputShape);
        var loss = 0.0;
        var correct = 0;
        for (var r = 0; r < _replicas.Length; r++)
        {
            var (first, samples) = Share(r, batch);
            if (samples == 0)
            {
                continue;
            }

            var replica = _replicas[r];
            if (r > 0)
            {
                _exchange.SendWeights(Parameters, replica.Parameters, Precision);
            }

            var logits = replica.Forward(images.Slice(first * inputSize, samples * inputSize), samples, Seed, Step, _transport);
            if (Options.NanPolicy == NanPolicy.Reject)
            {
                RejectNaN(logits, samples, $"the logits (layer '{Plan.Layers[replica.LossLayer].Name}'{(replica.LossInput < 0 ? string.Empty : ", input of the final softmax")})", first);
            }

            var shareLabels = labels.Slice(first, samples);
            correct += CountCorrect(logits, shareLabels, samples);
            var shareLoss = backward ? replica.Backward(logits, shareLabels, samples, _transport) : Softmax.CrossEntropy(logits, shareLabels, samples, Classes);
            replica.EndPass(backward); // before the gradients are reduced: a remote chip brings them home here
            loss += _replicas.Length == 1 ? shareLoss : (double)shareLoss * samples / batch;
        }

        if (backward && _replicas.Length > 1)
        {
            ReduceGradients(batch);
        }

        return new TrainStepResult((float)loss, correct, batch, learningRate);
    }

    /// <summary>The samples of replica <paramref name="r"/>: an even split in order, the first replicas one more when it does not divide.</summary>
    private (int First, int Samples) Share(int r, int batch)
    {
        var size = batch / _replicas.Length;
        var extra = batch % _replicas.Length;
        return ((r * size) + Math.Min(r, extra), size + (r < extra ? 1 : 0));
    }

    /// <summary>The batch's mean gradient in the master's arrays: each replica's mean over its share, weighted by the share.</summary>
    private void ReduceGradients(int batch)
    {
        var (_, own) = Share(0, batch);
        foreach (var gradient in _gradients.Values)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, (float)own / batch, gradient);
        }

        for (var r = 1; r < _replicas.Length; r++)
        {
            var (_, samples) = Share(r, batch);
            if (samples > 0)
            {
                _exchange.AddGradients(_replicas[r].Gradients, _gradients, (float)samples / batch);
            }
        }
    }

    /// <summary>Under <see cref="NanPolicy.Reject"/>: stops the step before anything is updated, naming the sample and element.</summary>
    private void RejectNaN(ReadOnlySpan<float> values, int batch, string what, int firstSample)
    {
        var index = NanPolicies.IndexOfNaN(values);
        if (index >= 0)
        {
            var perSample = values.Length / batch;
            throw new ArithmeticException(
                $"Network '{Plan.Name}', step {Step}: NaN in {what} at element {index} (sample {firstSample + (index / perSample)}, element {index % perSample} of it); NanPolicy.Reject stopped the step before any update.");
        }
    }

    private int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch)
    {
        var correct = 0;
        for (var n = 0; n < batch; n++)
        {
            var row = logits.Slice(n * Classes, Classes);
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
            if ((uint)labels[n] >= (uint)Classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[n], $"Network '{Plan.Name}': the label of sample {n} is outside [0, {Classes}).");
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
                foreach (var replica in _replicas)
                {
                    replica.Dispose();
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

    /// <summary>
    /// Cuts (by plan index) that travel truncated with adaptive precision instead of in the plan's encoding, from the
    /// policy's start bits up; each watches the weights of <see cref="PrecisionWatch.LayerOf"/>. Empty by default.
    /// </summary>
    public IReadOnlyDictionary<int, AdaptivePrecision> AdaptiveCuts { get; init; } = new Dictionary<int, AdaptivePrecision>();

    /// <summary>Replicas and their weight exchange (default: one replica, no exchange).</summary>
    public DataParallelOptions DataParallel { get; init; } = new();
}

/// <summary>What one step computed: the mean loss over the batch, how many samples the logits classified correctly, and the learning rate used.</summary>
public readonly record struct TrainStepResult(float Loss, int Correct, int Samples, double LearningRate)
{
    public double Accuracy => Samples == 0 ? 0 : (double)Correct / Samples;
}
