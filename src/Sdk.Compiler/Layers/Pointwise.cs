using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary>
/// The bottleneck layers the compiler inserts at a cut: a 1x1 convolution over <c>[C, H, W]</c> (a dense layer for
/// vectors) to <c>Size</c> channels, with bias. Also the parameter and FLOP rules every weighted kind shares.
/// </summary>
internal abstract class Pointwise : LayerDefinition
{
    public override string? AttributeName => null;

    /// <summary>The arguments of an inserted encoder or decoder writing <paramref name="outputs"/> channels.</summary>
    public static LayerArguments Arguments(int outputs) => new() { Size = outputs, Kernel = 1, Bias = true };

    internal override int[]? Infer(LayerCheck check)
    {
        var x = check.X;
        return x.Count == 3 ? check.Output(check.Args.Size, x[1], x[2]) : check.Output(check.Args.Size);
    }

    public override IEnumerable<ParameterShape> Parameters(LayerShapes s) =>
        s.Input.Count == 3 ? Weighted(s, s.InputChannels, kernel: 1) : Weighted(s, (int)s.InputElements, kernel: 0);

    public override long Macs(LayerShapes s) =>
        Shapes.SaturatingMultiply(s.OutputElements, s.Input.Count == 3 ? s.InputChannels : s.InputElements);

    public override long Flops(LayerShapes s) => WeightedFlops(s, Macs(s));

    public override long BackwardFlops(LayerShapes s) => WeightedBackwardFlops(s, Macs(s));

    /// <summary>Over a feature map, a 1x1 convolution.</summary>
    public override ConvolutionShape? Convolution(LayerShapes s) =>
        s.Input.Count == 3 ? ConvolutionShape.Square(s.Input[0], s.Input[1], s.Input[2], s.Arguments.Size, kernel: 1) : null;

    /// <summary>
    /// weight <c>[out, in, k, k]</c> (PyTorch's convolution layout; <c>[out, in]</c> when <paramref name="kernel"/> is 0,
    /// the Linear layout) and, with a bias, bias <c>[out]</c>.
    /// </summary>
    internal static IEnumerable<ParameterShape> Weighted(LayerShapes s, int inputs, int kernel)
    {
        var outputs = s.Output[0];
        yield return new ParameterShape("weight", kernel > 0 ? new[] { outputs, inputs, kernel, kernel } : new[] { outputs, inputs });
        if (s.Arguments.Bias)
        {
            yield return new ParameterShape("bias", new[] { outputs });
        }
    }

    /// <summary>2 per MAC, +1 per output for a bias, +1 per output for an activation.</summary>
    internal static long WeightedFlops(LayerShapes s, long macs) =>
        Shapes.SaturatingAdd(Shapes.SaturatingMultiply(2, macs), (s.Arguments.Bias ? s.OutputElements : 0) + ActivationFlops(s));

    /// <summary>The gradients of the input and of the weight (2 per MAC each), the bias gradient and the activation's derivative.</summary>
    internal static long WeightedBackwardFlops(LayerShapes s, long macs) =>
        Shapes.SaturatingAdd(Shapes.SaturatingMultiply(4, macs), (s.Arguments.Bias ? s.OutputElements : 0) + ActivationFlops(s));
}

internal sealed class BottleneckEncoder : Pointwise
{
    public override LayerKind Kind => LayerKind.BottleneckEncoder;
}

internal sealed class BottleneckDecoder : Pointwise
{
    public override LayerKind Kind => LayerKind.BottleneckDecoder;
}
