using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary><c>[Conv2D(filters)]</c>: 2-D convolution over <c>[C, H, W]</c> with square kernel, stride, padding, dilation, groups.</summary>
internal sealed class Conv2D : LayerDefinition
{
    public override LayerKind Kind => LayerKind.Conv2D;

    public override bool HasActivation => true;

    public override LayerArguments Read(IAttributeArguments a) => new()
    {
        Size = a.Int(0, "Filters"),
        Kernel = a.Int("Kernel", 3),
        Stride = a.Int("Stride", 1),
        Padding = a.Int("Padding", 0),
        Dilation = a.Int("Dilation", 1),
        Groups = a.Int("Groups", 1),
        Bias = a.Bool("Bias", true),
        Activation = a.Activation("Activation"),
    };

    internal override int[]? Infer(LayerCheck check)
    {
        var a = check.Args;
        check.Positive("Filters", a.Size);
        check.Positive("Kernel", a.Kernel);
        check.Positive("Stride", a.Stride);
        check.NotNegative("Padding", a.Padding);
        check.Positive("Dilation", a.Dilation);
        check.Positive("Groups", a.Groups);
        if (!check.Ok || !check.NeedsImage())
        {
            return null;
        }

        var x = check.X;
        if (x[0] % a.Groups != 0 || a.Size % a.Groups != 0)
        {
            check.Error(DiagnosticRules.GroupsDoNotDivide, check.Layer.Name, a.Groups, x[0], x, a.Size);
            return null;
        }

        return check.Output(a.Size, Shapes.Window(x[1], a.Kernel, a.Stride, a.Padding, a.Dilation), Shapes.Window(x[2], a.Kernel, a.Stride, a.Padding, a.Dilation));
    }

    public override IEnumerable<ParameterShape> Parameters(LayerShapes s) => Pointwise.Weighted(s, s.InputChannels / s.Arguments.Groups, s.Arguments.Kernel);

    public override long Macs(LayerShapes s) =>
        Shapes.SaturatingMultiply(s.OutputElements, Shapes.SaturatingMultiply(s.InputChannels / s.Arguments.Groups, (long)s.Arguments.Kernel * s.Arguments.Kernel));

    public override ConvolutionShape? Convolution(LayerShapes s)
    {
        var (x, a) = (s.Input, s.Arguments);
        return ConvolutionShape.Square(x[0], x[1], x[2], a.Size, a.Kernel, a.Stride, a.Padding, a.Dilation, a.Groups);
    }

    public override long Flops(LayerShapes s) => Pointwise.WeightedFlops(s, Macs(s));

    public override long BackwardFlops(LayerShapes s) => Pointwise.WeightedBackwardFlops(s, Macs(s));
}
