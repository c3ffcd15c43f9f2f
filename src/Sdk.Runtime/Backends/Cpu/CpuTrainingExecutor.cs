using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics.Tensors;
using Sdk.Runtime.Training;
using Sdk.Runtime.Wire;

namespace Sdk.Runtime.Backends.Cpu;

/// <summary>
/// One chip's share of the plan in training on the vectorised CPU kernels: forward with training semantics (batch
/// statistics, dropout masks, no BatchNorm folding), backward through the kernels' backward passes, and the chip's
/// cut endpoints for tensors (forward) and their gradients (backward). Buffers are allocated once per batch size;
/// parameters and gradients are the <see cref="TrainingState"/>'s arrays, used in place.
/// </summary>
/// <remarks>
/// Gradients live in slots: one per layer output on this chip (index = plan layer) and one per cut received by this
/// chip (index = layer count + cut). In backward, the first reader of a tensor writes its slot, later readers add
/// into it (through a scratch buffer), so several readers of one tensor accumulate, in reverse plan order.
/// </remarks>
internal sealed class CpuTrainingExecutor : TrainingExecutor
{
    private readonly NetworkPlan _plan;
    private readonly LayerState?[] _layers;
    private readonly Dictionary<int, Buffers> _byBatch = new();
    private Buffers? _current;

    public CpuTrainingExecutor(NetworkPlan plan, int chip, TrainingState state)
        : base(plan, chip)
    {
        _plan = plan;
        _layers = new LayerState?[plan.Layers.Count];
        foreach (var layer in plan.Layers)
        {
            if (layer.Chip == chip)
            {
                _layers[layer.Index] = new LayerState(plan, layer, state.Parameters, state.Gradients);
                ReadsInput |= layer.Inputs.Contains(-1);
            }
        }
    }

    public override bool ReadsInput { get; }

    private Buffers B => _current ?? throw new InvalidOperationException("Prepare(batch) was not called.");

    public override void Prepare(int batch)
    {
        if (batch == Batch && _current is not null)
        {
            return;
        }

        if (!_byBatch.TryGetValue(batch, out var buffers))
        {
            buffers = new Buffers(_plan, Chip, batch);
            _byBatch[batch] = buffers;
        }

        _current = buffers;
        Batch = batch;
    }

    public override void WriteInput(ReadOnlySpan<float> input) => input.CopyTo(B.Input);

    public override ReadOnlySpan<float> ReadLogits(int layer, int input) => input < 0 ? B.Out[layer] : B.Inputs[layer][input];

    public override void WriteLogitsGradient(int layer, int input, ReadOnlySpan<float> gradient)
    {
        var slot = input < 0 ? layer : B.InputSlots[layer][input];
        var target = BeginGradient(slot, out var accumulate);
        gradient.CopyTo(target);
        EndGradient(slot, accumulate);
    }

    /// <summary>Marks every gradient slot as not yet written (start of a backward pass).</summary>
    public override void BeginBackward() => Array.Clear(B.Written);

    /// <summary>
    /// Where to write the gradient of slot <paramref name="slot"/>: the slot itself when nothing has written it in this
    /// backward pass, else a scratch buffer that <see cref="EndGradient"/> adds into it. Empty for slot -1.
    /// </summary>
    private Span<float> BeginGradient(int slot, out bool accumulate)
    {
        accumulate = false;
        if (slot < 0)
        {
            return Span<float>.Empty;
        }

        var b = B;
        var target = b.Slots[slot];
        if (!b.Written[slot])
        {
            b.Written[slot] = true;
            return target;
        }

        accumulate = true;
        return b.Scratch.AsSpan(0, target.Length);
    }

    private void EndGradient(int slot, bool accumulate)
    {
        if (accumulate)
        {
            var target = B.Slots[slot];
            TensorPrimitives.Add(target, B.Scratch.AsSpan(0, target.Length), target);
        }
    }

    /// <summary>
    /// Forward: packs the output of the cut's source layer (this chip sends it). Backward: packs the gradient of the
    /// received cut tensor, summed over this chip's readers, in the format the cut's gradient travels in.
    /// </summary>
    public override int Pack(int cut, CutDirection direction, Span<byte> wire)
    {
        var info = _plan.Cuts[cut];
        if (direction == CutDirection.Forward)
        {
            return WireCodec.Of(info.Format).Pack(B.Out[info.SourceLayer], Batch, wire);
        }

        var b = B;
        var slot = _plan.Layers.Count + cut;
        if (!b.Written[slot])
        {
            Array.Clear(b.Slots[slot]); // no reader produced a gradient: it is zero
        }

        return WireCodec.Of(info.FormatDefinition.GradientFormat).Pack(b.Slots[slot], Batch, wire);
    }

    /// <summary>
    /// Forward: unpacks into the tensor this chip's readers read. Backward: unpacks the gradient and adds it to the
    /// source layer's output gradient.
    /// </summary>
    public override void Unpack(int cut, CutDirection direction, ReadOnlySpan<byte> wire)
    {
        var info = _plan.Cuts[cut];
        if (direction == CutDirection.Forward)
        {
            WireCodec.Of(info.Format).Unpack(wire, Batch, B.Received[cut]);
            return;
        }

        var target = BeginGradient(info.SourceLayer, out var accumulate);
        WireCodec.Of(info.FormatDefinition.GradientFormat).Unpack(wire, Batch, target);
        EndGradient(info.SourceLayer, accumulate);
    }

    /// <summary>Runs plan layer <paramref name="layer"/> forward in training mode; dropout masks come from (seed, step, layer).</summary>
    public override void Forward(int layer, int seed, long step)
    {
        var s = _layers[layer]!;
        var b = B;
        var x = b.Inputs[layer];
        var y = b.Out[layer];
        var batch = Batch;
        var target = s.SeparateActivation ? b.Pre[layer] : y;
        var fused = s.SeparateActivation ? Activation.None : s.Activation;
        switch (s.Info.Kind)
        {
            case LayerKind.Conv2D or LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder when s.Conv is not null:
                s.Conv.Forward(x[0], s.Weight, Optional(s.Bias), target, batch);
                break;
            case LayerKind.Dense or LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder:
                Dense.Forward(x[0], s.Weight, Optional(s.Bias), target, batch, s.InFeatures, s.Channels, fused);
                break;
            case LayerKind.MaxPool:
                Pooling.MaxForward(s.Pool!, x[0], y, b.MaxIndices[layer], batch);
                break;
            case LayerKind.AvgPool:
                Pooling.AvgForward(s.Pool!, x[0], y, batch);
                break;
            case LayerKind.GlobalAvgPool:
                Pooling.GlobalAvgForward(x[0], y, batch, s.InChannels, s.InSpatial);
                break;
            case LayerKind.BatchNorm:
                BatchNorm.TrainingForward(
                    x[0], target, batch, s.Channels, s.Spatial, s.Gamma, s.Beta, s.RunningMean, s.RunningVar,
                    (float)s.Info.Momentum, (float)s.Info.Epsilon, s.SavedMean, s.SavedInvStd);
                if (fused != Activation.None)
                {
                    Activations.Forward(fused, y);
                }

                break;
            case LayerKind.Softmax:
                Softmax.Forward(x[0], y, batch, s.Channels, s.Spatial);
                break;
            case LayerKind.Activation:
                Activations.Forward(s.Activation, x[0], y);
                break;
            case LayerKind.Add:
                if (x.Length == 1)
                {
                    Activations.Forward(fused, x[0], target);
                }

                for (var k = 1; k < x.Length; k++)
                {
                    TensorOps.Add(k == 1 ? x[0] : target, x[k], target, k == x.Length - 1 ? fused : Activation.None);
                }

                break;
            case LayerKind.Concat:
                var offset = 0;
                for (var k = 0; k < x.Length; k++)
                {
                    TensorOps.ConcatChannels(x[k], s.InputChannels[k], y, s.Channels, offset, batch, s.Spatial);
                    offset += s.InputChannels[k];
                }

                break;
            case LayerKind.Dropout:
                if (s.Info.Rate > 0)
                {
                    var mask = b.Masks[layer];
                    DropoutMask.Fill(mask, s.Info.Rate, seed, step, s.DropoutKey);
                    TensorPrimitives.Multiply(x[0], mask, y);
                }
                else
                {
                    x[0].CopyTo(y, 0);
                }

                break;
            default: // Flatten
                x[0].CopyTo(y, 0);
                break;
        }

        if (s.SeparateActivation)
        {
            Activations.Forward(s.Activation, target, y);
        }
    }

    /// <summary>
    /// Runs plan layer <paramref name="layer"/> backward: from its output gradient (skipped, with zero parameter
    /// gradients, when nothing downstream produced one) to its parameter gradients and its inputs' gradient slots.
    /// </summary>
    public override void Backward(int layer)
    {
        var s = _layers[layer]!;
        var b = B;
        if (!b.Written[layer])
        {
            s.ClearParameterGradients();
            return;
        }

        var x = b.Inputs[layer];
        var y = b.Out[layer];
        var g = b.Slots[layer];
        var slots = b.InputSlots[layer];
        var batch = Batch;
        if (s.HasLayerActivation && s.Activation != Activation.None)
        {
            // dL/d(pre-activation), in place: this layer's output gradient is not needed again.
            Activations.Backward(s.Activation, s.SeparateActivation ? b.Pre[layer] : ReadOnlySpan<float>.Empty, y, g, g);
        }

        Span<float> dx;
        bool accumulate;
        switch (s.Info.Kind)
        {
            case LayerKind.Conv2D or LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder when s.Conv is not null:
                dx = BeginGradient(slots[0], out accumulate);
                s.Conv.Backward(x[0], s.Weight, g, dx, s.GradWeight, OptionalOut(s.GradBias), batch);
                EndGradient(slots[0], accumulate);
                break;
            case LayerKind.Dense or LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder:
                dx = BeginGradient(slots[0], out accumulate);
                Dense.Backward(x[0], s.Weight, g, dx, s.GradWeight, OptionalOut(s.GradBias), batch, s.InFeatures, s.Channels);
                EndGradient(slots[0], accumulate);
                break;
            case LayerKind.BatchNorm:
                dx = BeginGradient(slots[0], out accumulate);
                BatchNorm.TrainingBackward(x[0], g, dx, batch, s.Channels, s.Spatial, s.Gamma, s.SavedMean, s.SavedInvStd, s.GradGamma, s.GradBeta);
                EndGradient(slots[0], accumulate);
                break;
            case LayerKind.Add:
                for (var k = 0; k < x.Length; k++)
                {
                    if (slots[k] >= 0)
                    {
                        dx = BeginGradient(slots[k], out accumulate);
                        g.AsSpan().CopyTo(dx);
                        EndGradient(slots[k], accumulate);
                    }
                }

                break;
            case LayerKind.Concat:
                var offset = 0;
                for (var k = 0; k < x.Length; k++)
                {
                    if (slots[k] >= 0)
                    {
                        dx = BeginGradient(slots[k], out accumulate);
                        TensorOps.SplitChannels(g, s.Channels, offset, dx, s.InputChannels[k], batch, s.Spatial);
                        EndGradient(slots[k], accumulate);
                    }

                    offset += s.InputChannels[k];
                }

                break;
            default:
                if (slots[0] < 0)
                {
                    break; // a parameter-free layer on the network input: nothing to propagate
                }

                dx = BeginGradient(slots[0], out accumulate);
                InputGradient(s, layer, x[0], y, g, dx);
                EndGradient(slots[0], accumulate);
                break;
        }
    }

    /// <summary>dL/dx of the single-input layers without parameters.</summary>
    private void InputGradient(LayerState s, int layer, float[] x, float[] y, float[] g, Span<float> dx)
    {
        var batch = Batch;
        switch (s.Info.Kind)
        {
            case LayerKind.MaxPool:
                Pooling.MaxBackward(s.Pool!, ReadOnlySpan<float>.Empty, B.MaxIndices[layer], g, dx, batch);
                break;
            case LayerKind.AvgPool:
                Pooling.AvgBackward(s.Pool!, g, dx, batch);
                break;
            case LayerKind.GlobalAvgPool:
                Pooling.GlobalAvgBackward(g, dx, batch, s.InChannels, s.InSpatial);
                break;
            case LayerKind.Softmax:
                Softmax.Backward(y, g, dx, batch, s.Channels, s.Spatial);
                break;
            case LayerKind.Activation:
                Activations.Backward(s.Activation, x, y, g, dx);
                break;
            case LayerKind.Dropout when s.Info.Rate > 0:
                TensorPrimitives.Multiply(g, B.Masks[layer], dx);
                break;
            default: // Flatten, Dropout(0)
                g.AsSpan().CopyTo(dx);
                break;
        }
    }

    private static ReadOnlySpan<float> Optional(float[]? values) => values is null ? ReadOnlySpan<float>.Empty : values;

    private static Span<float> OptionalOut(float[]? values) => values is null ? Span<float>.Empty : values;

    /// <summary>A layer of this chip, planned once: kernels, shapes, and its parameter and gradient arrays.</summary>
    private sealed class LayerState
    {
        private static readonly float[] None = Array.Empty<float>();

        public LayerState(NetworkPlan plan, LayerInfo layer, ParameterSet parameters, IReadOnlyDictionary<string, float[]> gradients)
        {
            Info = layer;
            var input = layer.Inputs.Count > 0 && layer.Inputs[0] >= 0 ? plan.Layers[layer.Inputs[0]].OutputShape : plan.InputShape;
            Channels = layer.OutputShape[0];
            Spatial = (int)(Shapes.Elements(layer.OutputShape) / Channels);
            InputChannels = layer.Inputs.Select(i => i < 0 ? plan.InputShape[0] : plan.Layers[i].OutputShape[0]).ToArray();
            HasLayerActivation = layer.Kind is LayerKind.Conv2D or LayerKind.Dense or LayerKind.BatchNorm or LayerKind.Add;
            Activation = layer.Kind == LayerKind.Activation || HasLayerActivation ? layer.Activation : Activation.None;

            // Gelu's derivative needs the pre-activation values, which the fused kernels do not keep: such layers
            // compute without activation into their own buffer, then apply Gelu.
            SeparateActivation = HasLayerActivation && Activation == Activation.Gelu;
            var fused = SeparateActivation ? Activation.None : Activation;
            switch (layer.Kind)
            {
                case LayerKind.Conv2D:
                case LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder when layer.OutputShape.Count == 3:
                    var kernel = layer.Kind == LayerKind.Conv2D ? layer.Kernel : 1;
                    Conv = new ConvPlan(Conv2DDescriptor.Square(
                        input[0], input[1], input[2], Channels, kernel, layer.Stride, layer.Padding, layer.Dilation, layer.Groups,
                        layer.Kind == LayerKind.Conv2D ? fused : Activation.None));
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    Pool = Pool2DDescriptor.Square(input[0], input[1], input[2], layer.Kernel, layer.Stride, layer.Padding);
                    break;
                case LayerKind.GlobalAvgPool:
                    InChannels = input[0];
                    InSpatial = (int)(Shapes.Elements(input) / input[0]);
                    break;
                case LayerKind.Dropout:
                    DropoutKey = DropoutMask.LayerKey(layer.Name);
                    break;
            }

            InFeatures = (int)Shapes.Elements(input);
            if (layer.Kind == LayerKind.BatchNorm)
            {
                Gamma = parameters[layer.Name + ".weight"];
                Beta = parameters[layer.Name + ".bias"];
                RunningMean = parameters[layer.Name + ".running_mean"];
                RunningVar = parameters[layer.Name + ".running_var"];
                GradGamma = gradients[layer.Name + ".weight"];
                GradBeta = gradients[layer.Name + ".bias"];
                SavedMean = new float[Channels];
                SavedInvStd = new float[Channels];
            }
            else if (layer.Parameters.Count > 0)
            {
                Weight = parameters[layer.Parameters[0].Name];
                GradWeight = gradients[layer.Parameters[0].Name];
                if (layer.Parameters.Count > 1)
                {
                    Bias = parameters[layer.Parameters[1].Name];
                    GradBias = gradients[layer.Parameters[1].Name];
                }
            }
        }

        public LayerInfo Info { get; }

        public int Channels { get; }

        public int Spatial { get; }

        public int InFeatures { get; }

        public int InChannels { get; }

        public int InSpatial { get; }

        public int[] InputChannels { get; }

        /// <summary>Conv2D, Dense, BatchNorm and Add carry an activation of their own (fused in inference).</summary>
        public bool HasLayerActivation { get; }

        public Activation Activation { get; }

        public bool SeparateActivation { get; }

        public ConvPlan? Conv { get; }

        public Pool2DDescriptor? Pool { get; }

        public ulong DropoutKey { get; }

        public float[] Weight { get; } = None;

        public float[]? Bias { get; }

        public float[] GradWeight { get; } = None;

        public float[]? GradBias { get; }

        public float[] Gamma { get; } = None;

        public float[] Beta { get; } = None;

        public float[] RunningMean { get; } = None;

        public float[] RunningVar { get; } = None;

        public float[] GradGamma { get; } = None;

        public float[] GradBeta { get; } = None;

        public float[] SavedMean { get; } = None;

        public float[] SavedInvStd { get; } = None;

        public void ClearParameterGradients()
        {
            Array.Clear(GradWeight);
            Array.Clear(GradGamma);
            Array.Clear(GradBeta);
            if (GradBias is not null)
            {
                Array.Clear(GradBias);
            }
        }
    }

    /// <summary>The chip's tensors and gradients for one batch size, with each layer's inputs and input slots resolved once.</summary>
    private sealed class Buffers
    {
        public Buffers(NetworkPlan plan, int chip, int batch)
        {
            var layers = plan.Layers.Count;
            Input = new float[batch * Shapes.Elements(plan.InputShape)];
            Out = new float[layers][];
            Pre = new float[layers][];
            MaxIndices = new int[layers][];
            Masks = new float[layers][];
            Received = new float[plan.Cuts.Count][];
            Slots = new float[layers + plan.Cuts.Count][];
            Written = new bool[Slots.Length];
            Inputs = new float[layers][][];
            InputSlots = new int[layers][];
            long scratch = 0;
            foreach (var cut in plan.Cuts)
            {
                if (cut.ToChip == chip)
                {
                    var length = batch * Shapes.Elements(cut.Shape);
                    Received[cut.Index] = new float[length];
                    Slots[layers + cut.Index] = new float[length];
                    scratch = Math.Max(scratch, length);
                }
            }

            foreach (var layer in plan.Layers)
            {
                if (layer.Chip != chip)
                {
                    continue;
                }

                var length = batch * Shapes.Elements(layer.OutputShape);
                Out[layer.Index] = new float[length];
                Slots[layer.Index] = new float[length];
                scratch = Math.Max(scratch, length);
                if (layer.Activation == Activation.Gelu && layer.Kind is LayerKind.Conv2D or LayerKind.Dense or LayerKind.BatchNorm or LayerKind.Add)
                {
                    Pre[layer.Index] = new float[length];
                }

                if (layer.Kind == LayerKind.MaxPool)
                {
                    MaxIndices[layer.Index] = new int[length];
                }

                if (layer.Kind == LayerKind.Dropout)
                {
                    Masks[layer.Index] = new float[length];
                }
            }

            Scratch = new float[scratch];
            foreach (var layer in plan.Layers)
            {
                if (layer.Chip == chip)
                {
                    Inputs[layer.Index] = layer.Inputs.Select(source => Resolve(plan, chip, source).Tensor).ToArray();
                    InputSlots[layer.Index] = layer.Inputs.Select(source => Resolve(plan, chip, source).Slot).ToArray();
                }
            }
        }

        public float[] Input { get; }

        public float[][] Out { get; }

        /// <summary>Pre-activation outputs of layers whose Gelu is applied separately.</summary>
        public float[][] Pre { get; }

        public int[][] MaxIndices { get; }

        public float[][] Masks { get; }

        public float[][] Received { get; }

        /// <summary>Gradient slots: layer outputs (by plan index), then received cuts (layer count + cut index).</summary>
        public float[][] Slots { get; }

        public bool[] Written { get; }

        public float[] Scratch { get; }

        public float[][][] Inputs { get; }

        public int[][] InputSlots { get; }

        private (float[] Tensor, int Slot) Resolve(NetworkPlan plan, int chip, int source)
        {
            if (source < 0)
            {
                return (Input, -1);
            }

            if (plan.Layers[source].Chip == chip)
            {
                return (Out[source], source);
            }

            foreach (var cut in plan.Cuts)
            {
                if (cut.SourceLayer == source && cut.ToChip == chip)
                {
                    return (Received[cut.Index], plan.Layers.Count + cut.Index);
                }
            }

            throw new InvalidOperationException($"No cut brings '{plan.Layers[source].Name}' to chip {chip}.");
        }
    }
}
