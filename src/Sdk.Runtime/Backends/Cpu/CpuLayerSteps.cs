using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu;

/// <summary>
/// One plan layer on the vectorised CPU backend, planned once at model creation: the algorithm and descriptors
/// for its shape are fixed here, so a run only calls the kernel.
/// </summary>
internal abstract class CpuLayerStep
{
    protected CpuLayerStep(LayerInfo layer) => Layer = layer;

    public LayerInfo Layer { get; }

    /// <summary>Output channels (features of a vector).</summary>
    protected int Channels => Layer.OutputShape[0];

    /// <summary>Positions per channel.</summary>
    protected int Spatial => (int)(Shapes.Elements(Layer.OutputShape) / Channels);

    /// <summary>Output values for <paramref name="batch"/> samples.</summary>
    protected int Elements(int batch) => batch * (int)Shapes.Elements(Layer.OutputShape);

    /// <summary>Receives the layer's inference parameters (after BatchNorm folding) once per model.</summary>
    public virtual void LoadParameters(float[][] parameters)
    {
    }

    /// <summary>Computes the output for <paramref name="batch"/> samples from the inputs (in plan order).</summary>
    public abstract void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch);

    /// <summary>
    /// How the CPU backend runs each layer kind in inference, one entry per <see cref="LayerKind"/> (a test checks
    /// the table is complete); a BatchNorm folded into its convolution runs nothing.
    /// </summary>
    public static readonly IReadOnlyDictionary<LayerKind, Func<NetworkPlan, LayerInfo, EquatableArray<int>, CpuLayerStep>> ByKind =
        new Dictionary<LayerKind, Func<NetworkPlan, LayerInfo, EquatableArray<int>, CpuLayerStep>>
        {
            [LayerKind.Conv2D] = (plan, layer, input) => new CpuConvStep(plan, layer, input),
            [LayerKind.BottleneckEncoder] = Pointwise,
            [LayerKind.BottleneckDecoder] = Pointwise,
            [LayerKind.Dense] = (_, layer, input) => new CpuDenseStep(layer, (int)Shapes.Elements(input)),
            [LayerKind.MaxPool] = (_, layer, input) => new CpuPoolStep(layer, input),
            [LayerKind.AvgPool] = (_, layer, input) => new CpuPoolStep(layer, input),
            [LayerKind.GlobalAvgPool] = (_, layer, input) => new CpuGlobalAvgPoolStep(layer, input),
            [LayerKind.BatchNorm] = (_, layer, _) => layer.FoldedInto >= 0 ? new CpuNoStep(layer) : new CpuBatchNormStep(layer),
            [LayerKind.Softmax] = (_, layer, _) => new CpuSoftmaxStep(layer),
            [LayerKind.Activation] = (_, layer, _) => new CpuActivationStep(layer),
            [LayerKind.Add] = (_, layer, _) => new CpuAddStep(layer),
            [LayerKind.Concat] = (plan, layer, _) => new CpuConcatStep(plan, layer),
            [LayerKind.Flatten] = (_, layer, _) => new CpuCopyStep(layer),
            [LayerKind.Dropout] = (_, layer, _) => new CpuCopyStep(layer), // identity in inference
        };

    /// <summary>Builds the step of <paramref name="layer"/>.</summary>
    public static CpuLayerStep Create(NetworkPlan plan, LayerInfo layer)
    {
        var input = layer.Inputs.Count > 0 && layer.Inputs[0] >= 0 ? plan.Layers[layer.Inputs[0]].OutputShape : plan.InputShape;
        return ByKind[layer.Kind](plan, layer, input);
    }

    /// <summary>A bottleneck encoder or decoder: a 1x1 convolution over an image, a dense layer over a vector.</summary>
    private static CpuLayerStep Pointwise(NetworkPlan plan, LayerInfo layer, EquatableArray<int> input) =>
        layer.OutputShape.Count == 3 ? new CpuConvStep(plan, layer, input) : new CpuDenseStep(layer, (int)Shapes.Elements(input));
}

/// <summary>
/// Nothing to run: a BatchNorm folded into its convolution (its output is the convolution's), or a max pool run in
/// its convolution's epilogue (the convolution writes the pooled output).
/// </summary>
internal sealed class CpuNoStep(LayerInfo layer) : CpuLayerStep(layer)
{
    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch)
    {
    }
}

internal sealed class CpuConvStep : CpuLayerStep
{
    private readonly ConvPlan _plan;
    private float[] _bias = Array.Empty<float>();
    private Pool2DDescriptor? _pool;
    private Activation? _residual; // the fused Add's activation; null when no Add is fused
    private ConvPlan? _borderedPlan; // the same convolution on its input with the padding already around (TryReadBorderedInput)
    private PlaneBorder _outputBorder; // the pooled output's zero border, for the next convolution to read in place
    private int _borderFromBatch = int.MaxValue; // batches that take the bordered hand-off (CpuInferenceExecutor.BorderFromBatch)

    public CpuConvStep(NetworkPlan plan, LayerInfo layer, EquatableArray<int> input)
        : base(layer)
    {
        var folded = FoldedBatchNorm(plan, layer);
        var kernel = layer.Kind == LayerKind.Conv2D ? layer.Kernel : 1;
        _plan = new ConvPlan(Conv2DDescriptor.Square(
            input[0], input[1], input[2], layer.OutputShape[0], kernel, layer.Stride, layer.Padding, layer.Dilation, layer.Groups,
            folded?.Activation ?? layer.Activation));
    }

    public override void LoadParameters(float[][] parameters)
    {
        _plan.PackWeights(parameters[0]);
        _borderedPlan?.PackWeights(parameters[0]);
        _bias = parameters.Length > 1 ? parameters[1] : Array.Empty<float>();
    }

    /// <summary>
    /// From now on adds its second input to the output and applies <paramref name="activation"/> (a residual Add in the
    /// epilogue), when the plan can.
    /// </summary>
    public bool TryFuseResidual(Activation activation)
    {
        if (_pool is not null || !_plan.CanFuseResidual)
        {
            return false;
        }

        _residual = activation;
        return true;
    }

    /// <summary>From now on writes the max pool <paramref name="pool"/> of its output instead, when the plan can.</summary>
    public bool TryFuseMaxPool(Pool2DDescriptor pool)
    {
        if (_residual is not null || !_plan.CanFuseMaxPool(pool))
        {
            return false;
        }

        _pool = pool;
        return true;
    }

    /// <summary>
    /// The padding this convolution would read in place, already around its input (a zero border the layer before
    /// writes), when its plan then reads the input without copying it: from now on batches from
    /// <paramref name="fromBatch"/> on run as the same convolution with no padding on the bordered input. Null when
    /// not (nothing changes).
    /// </summary>
    public PlaneBorder? TryReadBorderedInput(int fromBatch)
    {
        var d = _plan.Descriptor;
        if (_residual is not null || (d.PadTop | d.PadLeft | d.PadBottom | d.PadRight) == 0 || _plan.Algorithm != ConvAlgorithm.IndirectPositions)
        {
            return null;
        }

        var bordered = new ConvPlan(d with
        {
            InHeight = d.InHeight + d.PadTop + d.PadBottom, InWidth = d.InWidth + d.PadLeft + d.PadRight,
            PadTop = 0, PadLeft = 0, PadBottom = 0, PadRight = 0,
        });
        if (!bordered.ReadsInputInPlace || (_pool is not null && !bordered.CanFuseMaxPool(_pool)))
        {
            return null;
        }

        (_borderedPlan, _borderFromBatch) = (bordered, fromBatch);
        return new PlaneBorder(d.PadTop, d.PadLeft, d.PadBottom, d.PadRight);
    }

    /// <summary>Whether its pooled output can go out inside a zero border (<see cref="WritePooledWithBorder"/>).</summary>
    public bool CanWritePooledWithBorder => _pool is not null && _plan.CanWritePooledWithBorder(_pool);

    /// <summary>
    /// From now on writes its pooled output inside <paramref name="border"/> at batches from <paramref name="fromBatch"/>
    /// on (<see cref="CanWritePooledWithBorder"/>).
    /// </summary>
    public void WritePooledWithBorder(PlaneBorder border, int fromBatch) =>
        (_outputBorder, _borderFromBatch) = CanWritePooledWithBorder ? (border, fromBatch) : throw new InvalidOperationException($"Layer '{Layer.Name}' cannot write its pooled output inside a border.");

    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch)
    {
        if (_residual is { } activation)
        {
            _plan.ForwardPrepackedResidual(inputs[0], _bias, inputs[1], activation, output, batch);
        }
        else
        {
            var plan = _borderedPlan is not null && batch >= _borderFromBatch ? _borderedPlan : _plan;
            if (_pool is null)
            {
                plan.ForwardPrepacked(inputs[0], _bias, output, batch);
            }
            else
            {
                plan.ForwardPrepackedMaxPool(inputs[0], _bias, _pool, output, batch, batch >= _borderFromBatch ? _outputBorder : default);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static LayerInfo? FoldedBatchNorm(NetworkPlan plan, LayerInfo conv)
    {
        foreach (var layer in plan.Layers)
        {
            if (layer.FoldedInto == conv.Index)
            {
                return layer;
            }
        }

        return null;
    }
}

internal sealed class CpuDenseStep(LayerInfo layer, int inFeatures) : CpuLayerStep(layer)
{
    private readonly DensePlan _plan = new(inFeatures, layer.OutputShape[0], layer.Activation);
    private float[] _bias = Array.Empty<float>();

    public override void LoadParameters(float[][] parameters)
    {
        _plan.LoadWeights(parameters[0]);
        _bias = parameters.Length > 1 ? parameters[1] : Array.Empty<float>();
    }

    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch) =>
        _plan.Forward(inputs[0], _bias, output, batch);
}

internal sealed class CpuPoolStep(LayerInfo layer, EquatableArray<int> input) : CpuLayerStep(layer)
{
    private readonly Pool2DDescriptor _pool = Pool2DDescriptor.Square(input[0], input[1], input[2], layer.Kernel, layer.Stride, layer.Padding);

    public Pool2DDescriptor Descriptor => _pool;

    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch)
    {
        if (Layer.Kind == LayerKind.MaxPool)
        {
            Pooling.MaxForward(_pool, inputs[0], output, Span<int>.Empty, batch);
        }
        else
        {
            Pooling.AvgForward(_pool, inputs[0], output, batch);
        }
    }
}

/// <summary>The mean of each channel over its positions.</summary>
internal sealed class CpuGlobalAvgPoolStep(LayerInfo layer, EquatableArray<int> input) : CpuLayerStep(layer)
{
    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch) =>
        Pooling.GlobalAvgForward(inputs[0], output, batch, input[0], input[1] * input[2]);
}

/// <summary>Inference BatchNorm not folded into a convolution: a per-channel scale and shift, then the activation.</summary>
internal sealed class CpuBatchNormStep(LayerInfo layer) : CpuLayerStep(layer)
{
    private float[] _scale = Array.Empty<float>();
    private float[] _shift = Array.Empty<float>();

    public override void LoadParameters(float[][] parameters) => (_scale, _shift) = (parameters[0], parameters[1]);

    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch) =>
        BatchNorm.Affine(inputs[0], _scale, _shift, output, batch, Channels, Spatial, Layer.Activation);
}

internal sealed class CpuSoftmaxStep(LayerInfo layer) : CpuLayerStep(layer)
{
    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch) =>
        Softmax.Forward(inputs[0], output, batch, Channels, Spatial);
}

internal sealed class CpuActivationStep(LayerInfo layer) : CpuLayerStep(layer)
{
    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch)
    {
        var n = Elements(batch);
        Activations.Forward(Layer.Activation, inputs[0].AsSpan(0, n), output.AsSpan(0, n));
    }
}

/// <summary>The inputs summed two at a time, the activation after the last sum.</summary>
internal sealed class CpuAddStep(LayerInfo layer) : CpuLayerStep(layer)
{
    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch)
    {
        var n = Elements(batch);
        for (var k = 1; k < inputs.Length; k++)
        {
            var left = k == 1 ? inputs[0] : output;
            TensorOps.Add(left.AsSpan(0, n), inputs[k].AsSpan(0, n), output.AsSpan(0, n), k == inputs.Length - 1 ? Layer.Activation : Activation.None);
        }
    }
}

/// <summary>The inputs along channels.</summary>
internal sealed class CpuConcatStep(NetworkPlan plan, LayerInfo layer) : CpuLayerStep(layer)
{
    private readonly int[] _inputChannels = layer.Inputs.Select(i => i < 0 ? plan.InputShape[0] : plan.Layers[i].OutputShape[0]).ToArray();

    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch)
    {
        var offset = 0;
        for (var k = 0; k < inputs.Length; k++)
        {
            TensorOps.ConcatChannels(inputs[k], _inputChannels[k], output, Channels, offset, batch, Spatial);
            offset += _inputChannels[k];
        }
    }
}

/// <summary>Flatten, and Dropout in inference: the values passed on.</summary>
internal sealed class CpuCopyStep(LayerInfo layer) : CpuLayerStep(layer)
{
    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch) =>
        inputs[0].AsSpan(0, Elements(batch)).CopyTo(output);
}
