using System;
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

    /// <summary>Receives the layer's inference parameters (after BatchNorm folding) once per model.</summary>
    public virtual void LoadParameters(float[][] parameters)
    {
    }

    /// <summary>Computes the output for <paramref name="batch"/> samples from the inputs (in plan order).</summary>
    public abstract void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch);

    /// <summary>Builds the step of <paramref name="layer"/> (a convolution takes the activation of a BatchNorm folded into it).</summary>
    public static CpuLayerStep Create(NetworkPlan plan, LayerInfo layer)
    {
        var input = layer.Inputs.Count > 0 && layer.Inputs[0] >= 0 ? plan.Layers[layer.Inputs[0]].OutputShape : plan.InputShape;
        switch (layer.Kind)
        {
            case LayerKind.Conv2D:
            case LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder when layer.OutputShape.Count == 3:
                return new CpuConvStep(plan, layer, input);
            case LayerKind.Dense:
            case LayerKind.BottleneckEncoder:
            case LayerKind.BottleneckDecoder:
                return new CpuDenseStep(layer, (int)Shapes.Elements(input));
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                return new CpuPoolStep(layer, input);
            case LayerKind.BatchNorm when layer.FoldedInto >= 0:
                return new CpuNoStep(layer);
            default:
                return new CpuElementwiseStep(plan, layer, input);
        }
    }
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
        _bias = parameters.Length > 1 ? parameters[1] : Array.Empty<float>();
    }

    /// <summary>From now on writes the max pool <paramref name="pool"/> of its output instead, when the plan can.</summary>
    public bool TryFuseMaxPool(Pool2DDescriptor pool)
    {
        if (!_plan.CanFuseMaxPool(pool))
        {
            return false;
        }

        _pool = pool;
        return true;
    }

    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch)
    {
        if (_pool is null)
        {
            _plan.ForwardPrepacked(inputs[0], _bias, output, batch);
        }
        else
        {
            _plan.ForwardPrepackedMaxPool(inputs[0], _bias, _pool, output, batch);
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

/// <summary>The layers without a planned algorithm: pooling over all positions, BatchNorm, softmax, activations, add, concat, copies.</summary>
internal sealed class CpuElementwiseStep : CpuLayerStep
{
    private readonly EquatableArray<int> _input;
    private readonly int[] _inputChannels;
    private float[] _scale = Array.Empty<float>();
    private float[] _shift = Array.Empty<float>();

    public CpuElementwiseStep(NetworkPlan plan, LayerInfo layer, EquatableArray<int> input)
        : base(layer)
    {
        _input = input;
        _inputChannels = layer.Inputs.Select(i => i < 0 ? plan.InputShape[0] : plan.Layers[i].OutputShape[0]).ToArray();
    }

    private int Channels => Layer.OutputShape[0];

    private int Spatial => (int)(Shapes.Elements(Layer.OutputShape) / Channels);

    public override void LoadParameters(float[][] parameters)
    {
        if (Layer.Kind == LayerKind.BatchNorm)
        {
            (_scale, _shift) = (parameters[0], parameters[1]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float[]> inputs, float[] output, int batch)
    {
        var n = batch * (int)Shapes.Elements(Layer.OutputShape);
        switch (Layer.Kind)
        {
            case LayerKind.GlobalAvgPool:
                Pooling.GlobalAvgForward(inputs[0], output, batch, _input[0], _input[1] * _input[2]);
                break;
            case LayerKind.BatchNorm:
                BatchNorm.Affine(inputs[0], _scale, _shift, output, batch, Channels, Spatial, Layer.Activation);
                break;
            case LayerKind.Softmax:
                Softmax.Forward(inputs[0], output, batch, Channels, Spatial);
                break;
            case LayerKind.Activation:
                Activations.Forward(Layer.Activation, inputs[0].AsSpan(0, n), output.AsSpan(0, n));
                break;
            case LayerKind.Add:
                for (var k = 1; k < inputs.Length; k++)
                {
                    var left = k == 1 ? inputs[0] : output;
                    TensorOps.Add(left.AsSpan(0, n), inputs[k].AsSpan(0, n), output.AsSpan(0, n), k == inputs.Length - 1 ? Layer.Activation : Activation.None);
                }

                break;
            case LayerKind.Concat:
                var offset = 0;
                for (var k = 0; k < inputs.Length; k++)
                {
                    TensorOps.ConcatChannels(inputs[k], _inputChannels[k], output, Channels, offset, batch, Spatial);
                    offset += _inputChannels[k];
                }

                break;
            default:
                // Flatten and Dropout (inference) pass the values on.
                inputs[0].AsSpan(0, n).CopyTo(output);
                break;
        }
    }
}
