using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Wire;

namespace Sdk.Runtime.Backends.Cpu;

/// <summary>
/// Runs one chip's share of the plan on the vectorised CPU kernels. Steps are planned at creation, parameters
/// packed once, buffers allocated once per batch size; a run allocates nothing.
/// </summary>
internal sealed class CpuInferenceExecutor : InferenceExecutor
{
    private readonly CpuLayerStep?[] _steps;
    private readonly Dictionary<int, int> _pooledConvolutions = new(); // convolution → the max pool in its epilogue
    private readonly Dictionary<int, (int Add, int Residual)> _residualConvolutions = new(); // convolution → the Add in its epilogue, and the Add's other input
    private readonly Dictionary<int, int> _runsFirst = new(); // convolution → the layer computed just before it, ahead of its plan order (the fused Add's other input)
    private readonly HashSet<int> _ranEarly = new(); // the layers of _runsFirst, skipped at their own turn
    private readonly Dictionary<int, PlaneBorder> _borderedOutputs = new(); // max pool → the zero border its planes are written inside
    private readonly Dictionary<int, Buffers> _buffersByBatch = new();
    private Buffers? _buffers;

    public CpuInferenceExecutor(NetworkPlan plan, int chip)
        : base(plan, chip)
    {
        _steps = new CpuLayerStep?[plan.Layers.Count];
        foreach (var layer in plan.Layers)
        {
            if (layer.Chip == chip)
            {
                _steps[layer.Index] = CpuLayerStep.Create(plan, layer);
            }
        }

        FuseMaxPools();
        FuseResidualAdds();
        HandOffPaddedInputs();
    }

    /// <summary>
    /// A fused max pool whose only reader is a padded convolution on this chip (the Fashion CNN's first layer and its
    /// pool, then the second layer) is written, at batches from <see cref="BorderFromBatch"/> on, with that padding
    /// already around each plane, when the first convolution's kernel can and the second one's then reads its input in
    /// place: the second runs as the same convolution without padding on the bordered tensor, and no task copies its
    /// input into a padded scratch (the Fashion CNN at batch 32 1.05x, Zen 5, AVX-512; AVX2 runs that layer as Winograd
    /// there, which pads in L1 anyway: 1.00x). Smaller batches keep the dense tensor: their tasks are parts of a sample,
    /// each reading planes the other threads wrote, and the bordered hand-off ran the Fashion CNN 0.94-0.97x at batch 1 (AVX-512).
    /// </summary>
    private void HandOffPaddedInputs()
    {
        foreach (var (conv, pool) in _pooledConvolutions)
        {
            var readers = Plan.Layers.Where(layer => layer.Inputs.Contains(pool)).ToList();
            if (readers.Count == 1 && readers[0].Chip == Chip && readers[0].Inputs.Count == 1 &&
                _steps[conv] is CpuConvStep producer && producer.CanWritePooledWithBorder &&
                _steps[readers[0].Index] is CpuConvStep consumer && OnlyReader(readers[0].Index, pool, pool) &&
                consumer.TryReadBorderedInput(BorderFromBatch) is { } border)
            {
                producer.WritePooledWithBorder(border, BorderFromBatch);
                _borderedOutputs[pool] = border;
            }
        }
    }

    /// <summary>
    /// The batch from which a bordered hand-off runs: two samples per thread of the pool at creation, where the
    /// positions kernel's tasks are whole samples, each on the thread that wrote it (the pool's ranges).
    /// </summary>
    internal int BorderFromBatch { get; } = 2 * CpuWorkerPool.Current.ThreadCount;

    /// <summary>The max pools whose output goes to the next convolution inside its padding (<see cref="HandOffPaddedInputs"/>).</summary>
    internal IReadOnlyCollection<int> BorderedLayers => _borderedOutputs.Keys;

    /// <summary>
    /// An Add of two tensors, one of which is a convolution's output that only the Add reads (directly or through a
    /// folded BatchNorm, on this chip, not sent over a cut), runs in that convolution's epilogue when its plan can do it
    /// and the other input is ready before it: earlier in the plan, or computed just before the convolution when every
    /// input it reads is (<see cref="CanRunFirst"/>). The convolution writes the sum, after the Add's activation, into the
    /// Add's buffer, its own output is never written, and the Add step does nothing. A ResNet block's last convolution
    /// and its shortcut's Add become one pass, also in a downsampling block, whose projection the plan lists after it.
    /// </summary>
    private void FuseResidualAdds()
    {
        foreach (var add in Plan.Layers)
        {
            if (_steps[add.Index] is not CpuAddStep || add.Inputs.Count != 2)
            {
                continue;
            }

            // The later of the two convolutions, so that the other input is ready when it runs.
            for (int side = 1; side >= 0; side--)
            {
                int source = add.Inputs[side], other = add.Inputs[1 - side];
                if (source < 0)
                {
                    continue;
                }

                int conv = Plan.Layers[source].FoldedInto >= 0 ? Plan.Layers[source].FoldedInto : source;
                int otherStep = other >= 0 && Plan.Layers[other].FoldedInto >= 0 ? Plan.Layers[other].FoldedInto : other;
                bool ready = other < conv || CanRunFirst(otherStep, conv);
                if (_steps[conv] is CpuConvStep convStep && ready && other != source && !_pooledConvolutions.ContainsKey(conv) && !_ranEarly.Contains(conv) &&
                    OnlyReader(add.Index, source, conv) && convStep.TryFuseResidual(add.Activation))
                {
                    _steps[add.Index] = new CpuNoStep(add);
                    _residualConvolutions[conv] = (add.Index, other);
                    if (other > conv)
                    {
                        _runsFirst[conv] = otherStep;
                        _ranEarly.Add(otherStep);
                    }

                    break;
                }
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="layer"/>, later in the plan than <paramref name="conv"/>, can run just before it instead: a
    /// step of this chip not already moved and not adding a fused Add's input of its own, reading only layers of this
    /// chip before <paramref name="conv"/> (computed by then: the executor runs its layers in plan order), so nothing it
    /// reads changes between the two turns. (A layer moved so takes no fused Add afterwards: FuseResidualAdds.)
    /// </summary>
    private bool CanRunFirst(int layer, int conv)
    {
        if (layer <= conv || Plan.Layers[layer].Chip != Chip || _steps[layer] is null or CpuNoStep || _ranEarly.Contains(layer) ||
            _runsFirst.ContainsKey(conv) || _residualConvolutions.ContainsKey(layer))
        {
            return false;
        }

        foreach (var input in Plan.Layers[layer].Inputs)
        {
            if (input < 0 || input >= conv || Plan.Layers[input].Chip != Chip)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A max pool that alone reads a convolution's output (directly or through a folded BatchNorm, on this chip, not
    /// sent over a cut) runs in the convolution's epilogue when its plan can do it: the convolution writes the pooled
    /// tensor into the pool's buffer, its own output is never written, and the pool step does nothing.
    /// </summary>
    private void FuseMaxPools()
    {
        foreach (var pool in Plan.Layers)
        {
            if (_steps[pool.Index] is not CpuPoolStep poolStep || pool.Kind != LayerKind.MaxPool || pool.Inputs[0] < 0)
            {
                continue;
            }

            int source = pool.Inputs[0];
            int conv = Plan.Layers[source].FoldedInto >= 0 ? Plan.Layers[source].FoldedInto : source;
            if (_steps[conv] is CpuConvStep convStep && OnlyReader(pool.Index, source, conv) && convStep.TryFuseMaxPool(poolStep.Descriptor))
            {
                _steps[pool.Index] = new CpuNoStep(pool);
                _pooledConvolutions[conv] = pool.Index;
            }
        }
    }

    /// <summary>Whether <paramref name="reader"/> is the only layer and no cut reading the convolution's output (a folded BatchNorm aside).</summary>
    private bool OnlyReader(int reader, int source, int conv)
    {
        foreach (var layer in Plan.Layers)
        {
            bool foldedBatchNorm = layer.Index == source && source != conv;
            if (layer.Index != reader && !foldedBatchNorm && (layer.Inputs.Contains(source) || layer.Inputs.Contains(conv)))
            {
                return false;
            }
        }

        foreach (var cut in Plan.Cuts)
        {
            if (cut.SourceLayer == source || cut.SourceLayer == conv)
            {
                return false;
            }
        }

        return source != Plan.Layers.Count - 1 && conv != Plan.Layers.Count - 1;
    }

    private Buffers Current => _buffers ?? throw new InvalidOperationException("Prepare(batch) was not called.");

    public override void LoadParameters(ParameterSet parameters)
    {
        var prepared = InferenceParameters.Prepare(Plan, parameters);
        foreach (var step in _steps)
        {
            step?.LoadParameters(prepared[step.Layer.Index]);
        }
    }

    protected override void OnPrepare(int batch)
    {
        if (!_buffersByBatch.TryGetValue(batch, out var buffers))
        {
            buffers = new Buffers(Plan, Chip, batch, _pooledConvolutions, _residualConvolutions, batch >= BorderFromBatch ? _borderedOutputs : []);
            _buffersByBatch[batch] = buffers;
        }

        _buffers = buffers;
    }

    public override void WriteInput(ReadOnlySpan<float> input) => input.CopyTo(Current.Input);

    public override void Compute(int layer)
    {
        if (_ranEarly.Contains(layer))
        {
            return; // computed before the convolution whose fused Add reads it
        }

        if (_runsFirst.TryGetValue(layer, out var first))
        {
            _steps[first]!.Forward(Current.Inputs[first], Current.Outputs[first], Batch);
        }

        _steps[layer]!.Forward(Current.Inputs[layer], Current.Outputs[layer], Batch);
    }

    public override int Pack(int cut, CutDirection direction, WireEncoding encoding, Span<byte> wire)
    {
        RequireForward(direction, cut);
        var info = Plan.Cuts[cut];
        return WireCodec.Of(encoding).Pack(info.IsInput ? Current.Input : Current.Outputs[info.SourceLayer], Batch, wire);
    }

    public override void Unpack(int cut, CutDirection direction, WireEncoding encoding, ReadOnlySpan<byte> wire)
    {
        RequireForward(direction, cut);
        WireCodec.Of(encoding).Unpack(wire, Batch, Current.Received[cut]);
    }

    public override void ReadOutput(int layer, Span<float> output)
    {
        var conv = Plan.Layers[layer].FoldedInto >= 0 ? Plan.Layers[layer].FoldedInto : layer;
        if (_pooledConvolutions.TryGetValue(conv, out var pool))
        {
            throw new InvalidOperationException(
                $"Layer '{Plan.Layers[layer].Name}' runs fused with the max pool '{Plan.Layers[pool].Name}' on CPU chip {Chip}: only the pooled tensor is written; read '{Plan.Layers[pool].Name}'.");
        }

        if (_residualConvolutions.TryGetValue(conv, out var fused))
        {
            throw new InvalidOperationException(
                $"Layer '{Plan.Layers[layer].Name}' runs fused with the residual Add '{Plan.Layers[fused.Add].Name}' on CPU chip {Chip}: only the sum is written; read '{Plan.Layers[fused.Add].Name}'.");
        }

        if (Batch >= BorderFromBatch && _borderedOutputs.TryGetValue(layer, out var border))
        {
            CopyWithoutBorder(Current.Outputs[layer], Plan.Layers[layer].OutputShape, border, Batch, output);
            return;
        }

        Current.Outputs[layer].CopyTo(output);
    }

    /// <summary>The values of a tensor stored with a zero border around each plane (<see cref="HandOffPaddedInputs"/>), without it.</summary>
    private static void CopyWithoutBorder(float[] bordered, EquatableArray<int> shape, PlaneBorder border, int batch, Span<float> output)
    {
        int channels = shape[0], height = shape[1], width = shape[2];
        int pitch = border.Left + width + border.Right;
        int plane = (border.Top + height + border.Bottom) * pitch;
        for (int p = 0; p < batch * channels; p++)
        {
            for (int row = 0; row < height; row++)
            {
                bordered.AsSpan((p * plane) + ((border.Top + row) * pitch) + border.Left, width).CopyTo(output.Slice(((p * height) + row) * width, width));
            }
        }
    }

    public override void Synchronize()
    {
    }

    public override void Dispose() => _buffersByBatch.Clear();

    /// <summary>The chip's tensors for one batch size, and for each layer the arrays it reads, resolved once.</summary>
    private sealed class Buffers
    {
        public Buffers(
            NetworkPlan plan, int chip, int batch, Dictionary<int, int> pooledConvolutions, Dictionary<int, (int Add, int Residual)> residualConvolutions,
            Dictionary<int, PlaneBorder> borderedOutputs)
        {
            Input = chip == plan.InputChip ? Tensor(batch * Shapes.Elements(plan.InputShape)) : Array.Empty<float>();
            Outputs = new float[plan.Layers.Count][];
            Received = new float[plan.Cuts.Count][];
            Inputs = new float[plan.Layers.Count][][];
            foreach (var cut in plan.Cuts)
            {
                if (cut.ToChip == chip)
                {
                    Received[cut.Index] = Tensor(batch * Shapes.Elements(cut.Shape));
                }
            }

            foreach (var layer in plan.Layers)
            {
                if (layer.Chip == chip && layer.FoldedInto < 0 && !pooledConvolutions.ContainsKey(layer.Index) && !residualConvolutions.ContainsKey(layer.Index))
                {
                    // Zeroed when made: a bordered tensor's border stays zero, since no step writes it.
                    Outputs[layer.Index] = Tensor(batch * (borderedOutputs.TryGetValue(layer.Index, out var b)
                        ? (long)layer.OutputShape[0] * (b.Top + layer.OutputShape[1] + b.Bottom) * (b.Left + layer.OutputShape[2] + b.Right)
                        : Shapes.Elements(layer.OutputShape)));
                }
            }

            foreach (var (conv, pool) in pooledConvolutions)
            {
                Outputs[conv] = Outputs[pool]; // the convolution writes the pooled tensor
            }

            foreach (var (conv, fused) in residualConvolutions)
            {
                Outputs[conv] = Outputs[fused.Add]; // the convolution writes the sum
            }

            foreach (var layer in plan.Layers)
            {
                if (layer.Chip == chip && layer.FoldedInto >= 0)
                {
                    Outputs[layer.Index] = Outputs[layer.FoldedInto]; // folded: the convolution's output
                }
            }

            // After every alias: a fused Add's other input may come later in the plan (run first; FuseResidualAdds).
            foreach (var layer in plan.Layers)
            {
                if (layer.Chip != chip)
                {
                    continue;
                }

                Inputs[layer.Index] = layer.Inputs.Select(source => Resolve(plan, chip, source)).ToArray();
                if (residualConvolutions.TryGetValue(layer.Index, out var residual))
                {
                    Inputs[layer.Index] = [.. Inputs[layer.Index], Resolve(plan, chip, residual.Residual)]; // the Add's other input
                }
            }
        }

        public float[] Input { get; }

        /// <summary>
        /// On the pinned object heap: a compacting GC never moves it, so a run after a collection does not first
        /// fault in freshly committed pages for every activation (ResNet-18, batch 32: 247 against 261 ms per call
        /// with a full collection before each).
        /// </summary>
        private static float[] Tensor(long elements) => GC.AllocateArray<float>(checked((int)elements), pinned: true);

        public float[][] Outputs { get; }

        public float[][] Received { get; }

        public float[][][] Inputs { get; }

        private float[] Resolve(NetworkPlan plan, int chip, int source)
        {
            if (source < 0 && chip == plan.InputChip)
            {
                return Input;
            }

            if (source >= 0 && plan.Layers[source].Chip == chip)
            {
                return Outputs[source];
            }

            foreach (var cut in plan.Cuts)
            {
                if (cut.SourceLayer == source && cut.ToChip == chip)
                {
                    return Received[cut.Index];
                }
            }

            throw new InvalidOperationException($"No cut brings '{(source < 0 ? "the network input" : plan.Layers[source].Name)}' to chip {chip}.");
        }
    }
}
