namespace Sdk.Compiler;

/// <summary><c>[Flatten]</c>: to a vector of all the elements. Implicit before Dense.</summary>
internal sealed class Flatten : LayerDefinition
{
    public override LayerKind Kind => LayerKind.Flatten;

    internal override int[]? Infer(LayerCheck check) => new[] { (int)Shapes.Elements(check.X) };

    public override long Flops(LayerShapes s) => 0;
}

/// <summary><c>[Softmax]</c>: over channels (or the features of a vector).</summary>
internal sealed class Softmax : LayerDefinition
{
    public override LayerKind Kind => LayerKind.Softmax;

    internal override int[]? Infer(LayerCheck check) => check.X.ToArray();

    /// <summary>exp, sum, divide: 3 per element.</summary>
    public override long Flops(LayerShapes s) => 3 * s.OutputElements;
}

/// <summary><c>[Activate(function)]</c>: a stand-alone activation.</summary>
internal sealed class ActivationLayer : LayerDefinition
{
    public override LayerKind Kind => LayerKind.Activation;

    public override string AttributeName => "Activate";

    public override bool HasActivation => true;

    public override LayerArguments Read(IAttributeArguments a) => new() { Activation = a.Activation(0, "Function") };

    internal override int[]? Infer(LayerCheck check) => check.X.ToArray();

    public override long Flops(LayerShapes s) => s.OutputElements;
}

/// <summary><c>[Dropout(rate)]</c>: zeroes a fraction of the elements in training (scaling the rest by 1/(1 - rate)); identity in inference.</summary>
internal sealed class Dropout : LayerDefinition
{
    public override LayerKind Kind => LayerKind.Dropout;

    public override TrainingNeeds Training => TrainingNeeds.Mask;

    public override LayerArguments Read(IAttributeArguments a) => new() { Rate = a.Double(0, "Rate") };

    internal override int[]? Infer(LayerCheck check)
    {
        check.Require(check.Args.Rate >= 0 && check.Args.Rate < 1, "Rate", check.Args.Rate, "at least 0 and below 1");
        return check.Ok ? check.X.ToArray() : null;
    }

    public override long Flops(LayerShapes s) => 0;
}
