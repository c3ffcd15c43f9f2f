using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary><c>[Dense(units)]</c>: a fully connected layer; a <c>[C, H, W]</c> input is flattened first.</summary>
internal sealed class Dense : LayerDefinition
{
    public override LayerKind Kind => LayerKind.Dense;

    public override bool HasActivation => true;

    public override LayerArguments Read(IAttributeArguments a) => new()
    {
        Size = a.Int(0, "Units"),
        Bias = a.Bool("Bias", true),
        Activation = a.Activation("Activation"),
    };

    internal override int[]? Infer(LayerCheck check)
    {
        check.Positive("Units", check.Args.Size);
        return check.Ok ? check.Output(check.Args.Size) : null;
    }

    public override IEnumerable<ParameterShape> Parameters(LayerShapes s) => Pointwise.Weighted(s, (int)s.InputElements, kernel: 0);

    public override long Macs(LayerShapes s) => Shapes.SaturatingMultiply(s.OutputElements, s.InputElements);

    public override long Flops(LayerShapes s) => Pointwise.WeightedFlops(s, Macs(s));

    public override long BackwardFlops(LayerShapes s) => Pointwise.WeightedBackwardFlops(s, Macs(s));
}
