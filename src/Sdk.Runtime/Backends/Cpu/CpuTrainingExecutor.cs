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
    private readonly CpuTrainingLayer?[] _layers;
    private readonly Dictionary<int, Buffers> _byBatch = new();
    private Buffers? _current;

    public CpuTrainingExecutor(NetworkPlan plan, int chip, TrainingState state)
        : base(plan, chip)
    {
        _plan = plan;
        _layers = new CpuTrainingLayer?[plan.Layers.Count];
        foreach (var layer in plan.Layers)
        {
            if (layer.Chip == chip)
            {
                _layers[layer.Index] = new CpuTrainingLayer(plan, layer, state.Parameters, state.Gradients);
            }
        }

        ReadsInput = chip == plan.InputChip;
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
    /// received cut tensor, summed over this chip's readers (the transport gives the encoding the gradient travels in).
    /// </summary>
    public override int Pack(int cut, CutDirection direction, WireEncoding encoding, Span<byte> wire)
    {
        var info = _plan.Cuts[cut];
        if (direction == CutDirection.Forward)
        {
            return WireCodec.Of(encoding).Pack(info.IsInput ? B.Input : B.Out[info.SourceLayer], Batch, wire);
        }

        RequireGradient(info);
        var b = B;
        var slot = _plan.Layers.Count + cut;
        if (!b.Written[slot])
        {
            Array.Clear(b.Slots[slot]); // no reader produced a gradient: it is zero
        }

        return WireCodec.Of(encoding).Pack(b.Slots[slot], Batch, wire);
    }

    /// <summary>
    /// Forward: unpacks into the tensor this chip's readers read. Backward: unpacks the gradient and adds it to the
    /// source layer's output gradient.
    /// </summary>
    public override void Unpack(int cut, CutDirection direction, WireEncoding encoding, ReadOnlySpan<byte> wire)
    {
        var info = _plan.Cuts[cut];
        if (direction == CutDirection.Forward)
        {
            WireCodec.Of(encoding).Unpack(wire, Batch, B.Received[cut]);
            return;
        }

        RequireGradient(info);
        var target = BeginGradient(info.SourceLayer, out var accumulate);
        WireCodec.Of(encoding).Unpack(wire, Batch, target);
        EndGradient(info.SourceLayer, accumulate);
    }

    /// <summary>The network input's cuts carry no gradient: the trainer never sends one back, and this says so if asked.</summary>
    private void RequireGradient(CutInfo cut)
    {
        if (cut.IsInput)
        {
            throw new InvalidOperationException($"Network '{_plan.Name}', cut {cut.Index} (the network input, chip {cut.FromChip} → {cut.ToChip}): the network input has no gradient to send back.");
        }
    }

    /// <summary>Runs plan layer <paramref name="layer"/> forward in training mode; dropout masks come from (seed, step, layer).</summary>
    public override void Forward(int layer, int seed, long step)
    {
        var s = _layers[layer]!;
        var pass = new TrainingPass(this, s, seed, step);
        CpuTrainingKernels.Of(s.Info.Kind).Forward(pass);
        if (s.SeparateActivation)
        {
            Activations.Forward(s.Activation, pass.Target, pass.Y);
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

        if (s.HasLayerActivation && s.Activation != Activation.None)
        {
            // dL/d(pre-activation), in place: this layer's output gradient is not needed again.
            var g = b.Slots[layer];
            Activations.Backward(s.Activation, s.SeparateActivation ? b.Pre[layer] : ReadOnlySpan<float>.Empty, b.Out[layer], g, g);
        }

        CpuTrainingKernels.Of(s.Info.Kind).Backward(new TrainingPass(this, s, 0, 0));
    }

    /// <summary>
    /// What a training kernel (<see cref="CpuTrainingKernels"/>) works on: one layer of this chip in one pass, its
    /// inputs, output, saved state and gradients for the current batch.
    /// </summary>
    internal readonly struct TrainingPass
    {
        private readonly CpuTrainingExecutor _chip;

        public TrainingPass(CpuTrainingExecutor chip, CpuTrainingLayer layer, int seed, long step)
        {
            _chip = chip;
            S = layer;
            Seed = seed;
            Step = step;
        }

        public CpuTrainingLayer S { get; }

        public int Seed { get; }

        public long Step { get; }

        private int Index => S.Info.Index;

        private Buffers B => _chip.B;

        public int Batch => _chip.Batch;

        /// <summary>The tensors the layer reads, in order.</summary>
        public float[][] X => B.Inputs[Index];

        public float[] Y => B.Out[Index];

        /// <summary>Where the layer's own computation writes: the output, or the pre-activation buffer when Gelu runs separately.</summary>
        public float[] Target => S.SeparateActivation ? B.Pre[Index] : Y;

        /// <summary>The activation the layer's kernel fuses (none when it runs separately).</summary>
        public Activation Fused => S.SeparateActivation ? Activation.None : S.Activation;

        public int[] MaxIndices => B.MaxIndices[Index];

        public float[] Mask => B.Masks[Index];

        /// <summary>dL/d(output), or dL/d(pre-activation) once the activation's derivative has been applied.</summary>
        public float[] Gradient => B.Slots[Index];

        /// <summary>Whether input <paramref name="k"/> takes a gradient (not the network input).</summary>
        public bool HasInputGradient(int k) => B.InputSlots[Index][k] >= 0;

        /// <summary>
        /// Where to write dL/d(input <paramref name="k"/>): empty when that input takes no gradient (the network
        /// input; a kernel with parameters then computes only theirs). Finish with <see cref="EndInputGradient"/>:
        /// several readers of one tensor add up.
        /// </summary>
        public Span<float> BeginInputGradient(int k, out bool accumulate) => _chip.BeginGradient(B.InputSlots[Index][k], out accumulate);

        public void EndInputGradient(int k, bool accumulate) => _chip.EndGradient(B.InputSlots[Index][k], accumulate);
    }

    /// <summary>A layer of this chip, planned once: kernels, shapes, and its parameter and gradient arrays.</summary>
    internal sealed class CpuTrainingLayer
    {
        private static readonly float[] None = Array.Empty<float>();

        public CpuTrainingLayer(NetworkPlan plan, LayerInfo layer, ParameterSet parameters, IReadOnlyDictionary<string, float[]> gradients)
        {
            Info = layer;
            var input = layer.Inputs.Count > 0 && layer.Inputs[0] >= 0 ? plan.Layers[layer.Inputs[0]].OutputShape : plan.InputShape;
            Channels = layer.OutputShape[0];
            Spatial = (int)(Shapes.Elements(layer.OutputShape) / Channels);
            InputChannels = layer.Inputs.Select(i => i < 0 ? plan.InputShape[0] : plan.Layers[i].OutputShape[0]).ToArray();
            HasLayerActivation = HasOwnActivation(layer);
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

        /// <summary>The layer carries an activation of its own (fused in inference): Conv2D, Dense, BatchNorm, Add.</summary>
        public bool HasLayerActivation { get; }

        /// <summary>A kind with an activation argument, other than the stand-alone activation layer.</summary>
        public static bool HasOwnActivation(LayerInfo layer) => layer.Definition.HasActivation && layer.Kind != LayerKind.Activation;

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
            Input = chip == plan.InputChip ? new float[batch * Shapes.Elements(plan.InputShape)] : Array.Empty<float>();
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
                    Slots[layers + cut.Index] = cut.IsInput ? Array.Empty<float>() : new float[length];
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
                if (layer.Activation == Activation.Gelu && CpuTrainingLayer.HasOwnActivation(layer))
                {
                    Pre[layer.Index] = new float[length];
                }

                var needs = layer.Definition.Training;
                if ((needs & TrainingNeeds.ArgMax) != 0)
                {
                    MaxIndices[layer.Index] = new int[length];
                }

                if ((needs & TrainingNeeds.Mask) != 0)
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
            // Slot -1: the network input, here or received, takes no gradient.
            if (source < 0 && chip == plan.InputChip)
            {
                return (Input, -1);
            }

            if (source >= 0 && plan.Layers[source].Chip == chip)
            {
                return (Out[source], source);
            }

            foreach (var cut in plan.Cuts)
            {
                if (cut.SourceLayer == source && cut.ToChip == chip)
                {
                    return (Received[cut.Index], cut.IsInput ? -1 : plan.Layers.Count + cut.Index);
                }
            }

            throw new InvalidOperationException($"No cut brings '{(source < 0 ? "the network input" : plan.Layers[source].Name)}' to chip {chip}.");
        }
    }
}
