namespace Sdk.Compiler;

/// <summary>
/// <c>[MaxPool(size)]</c> and <c>[AvgPool(size)]</c>: a square window over each channel of <c>[C, H, W]</c>; the
/// stride defaults to the window (a stride of 0 in the attribute means that too); padding at most half the window.
/// </summary>
internal abstract class Pooling : LayerDefinition
{
    public override LayerArguments Read(IAttributeArguments a)
    {
        var size = a.Int(0, "Size");
        var stride = a.Int("Stride", 0);
        return new LayerArguments { Size = size, Kernel = size, Stride = stride == 0 ? size : stride, Padding = a.Int("Padding", 0) };
    }

    internal override int[]? Infer(LayerCheck check)
    {
        var a = check.Args;
        check.Positive("Size", a.Kernel);
        check.Require(a.Kernel <= 0 || a.Stride > 0, "Stride", a.Stride, "positive (or 0 for the window size)");
        check.NotNegative("Padding", a.Padding);
        if (check.Ok)
        {
            check.Require(2L * a.Padding <= a.Kernel, "Padding", a.Padding, $"at most half the window ({a.Kernel / 2})");
        }

        if (!check.Ok || !check.NeedsImage() || !check.PaddedInputFits(a.Padding))
        {
            return null;
        }

        var x = check.X;
        return check.Output(x[0], Shapes.Window(x[1], a.Kernel, a.Stride, a.Padding), Shapes.Window(x[2], a.Kernel, a.Stride, a.Padding));
    }

    /// <summary>The window's size per output.</summary>
    public override long Flops(LayerShapes s) => Shapes.SaturatingMultiply(s.OutputElements, (long)s.Arguments.Kernel * s.Arguments.Kernel);
}

internal sealed class MaxPool : Pooling
{
    public override LayerKind Kind => LayerKind.MaxPool;

    public override TrainingNeeds Training => TrainingNeeds.ArgMax;
}

/// <summary>Padding is excluded from the average.</summary>
internal sealed class AvgPool : Pooling
{
    public override LayerKind Kind => LayerKind.AvgPool;
}

/// <summary><c>[GlobalAvgPool]</c>: the mean of each channel over H and W, <c>[C, H, W]</c> to <c>[C, 1, 1]</c>.</summary>
internal sealed class GlobalAvgPool : LayerDefinition
{
    public override LayerKind Kind => LayerKind.GlobalAvgPool;

    internal override int[]? Infer(LayerCheck check) => check.NeedsImage() ? check.Output(check.X[0], 1, 1) : null;

    /// <summary>One per input element.</summary>
    public override long Flops(LayerShapes s) => s.InputElements;
}
