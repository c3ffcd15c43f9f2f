using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary>
/// <c>[BatchNorm]</c>: batch normalisation over channels (the features of a vector). Inference folds it into the
/// convolution before it where it can (see <see cref="LayerInfo.FoldedInto"/>).
/// </summary>
internal sealed class BatchNorm : LayerDefinition
{
    public override LayerKind Kind => LayerKind.BatchNorm;

    public override bool HasActivation => true;

    public override TrainingNeeds Training => TrainingNeeds.BatchStatistics;

    public override LayerArguments Read(IAttributeArguments a) => new()
    {
        Epsilon = a.Double("Epsilon", 1e-5),
        Momentum = a.Double("Momentum", 0.1),
        Activation = a.Activation("Activation"),
    };

    internal override int[]? Infer(LayerCheck check)
    {
        var a = check.Args;
        check.Finite("Epsilon", a.Epsilon, double.Epsilon, double.MaxValue, "a positive finite number");
        check.Finite("Momentum", a.Momentum, 0, 1, "between 0 and 1");
        return check.Ok ? check.X.ToArray() : null;
    }

    /// <summary>Weight and bias per channel (trained), running mean and variance (buffers).</summary>
    public override IEnumerable<ParameterShape> Parameters(LayerShapes s)
    {
        var c = new[] { s.InputChannels };
        yield return new ParameterShape("weight", c);
        yield return new ParameterShape("bias", c);
        yield return new ParameterShape("running_mean", c, Trainable: false);
        yield return new ParameterShape("running_var", c, Trainable: false);
    }

    /// <summary>Scale and shift: 2 per element, plus the activation.</summary>
    public override long Flops(LayerShapes s) => (2 * s.OutputElements) + ActivationFlops(s);
}
