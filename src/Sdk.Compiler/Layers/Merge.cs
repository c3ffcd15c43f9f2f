using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// The kinds that read several layers. One name in the attribute means the previous layer (or <c>Input</c>)
/// then that layer; two or more mean exactly those layers (after <c>Input</c>, when given).
/// </summary>
internal abstract class Merge : LayerDefinition
{
    public override bool ReadsSeveral => true;

    public override EquatableArray<string> ReadInputs(IAttributeArguments a)
    {
        var input = a.String("Input");
        var named = a.Names(0).ToList();
        if (named.Count < 2)
        {
            named.Insert(0, input ?? LayerSpec.Previous);
        }
        else if (input is not null)
        {
            named.Insert(0, input);
        }

        return named.ToEquatableArray();
    }

    internal override int[]? Infer(LayerCheck check)
    {
        if (check.Inputs.Count < 2)
        {
            check.Error(DiagnosticRules.TooFewInputs, check.Layer.Name, Kind, check.Inputs.Count);
            return null;
        }

        return Join(check);
    }

    protected abstract int[]? Join(LayerCheck check);
}

/// <summary><c>[Add(...)]</c>: the element-wise sum of tensors of one shape, then its activation.</summary>
internal sealed class Add : Merge
{
    public override LayerKind Kind => LayerKind.Add;

    public override bool HasActivation => true;

    public override LayerArguments Read(IAttributeArguments a) => new() { Activation = a.Activation("Activation") };

    protected override int[]? Join(LayerCheck check)
    {
        if (check.Inputs.Any(i => i.Shape != check.X))
        {
            check.Error(DiagnosticRules.AddShapesDiffer, check.Layer.Name, check.DescribeInputs());
            return null;
        }

        return check.X.ToArray();
    }

    /// <summary>One per element per extra input, plus the activation.</summary>
    public override long Flops(LayerShapes s) => ((s.Inputs.Count - 1) * s.OutputElements) + ActivationFlops(s);
}

/// <summary><c>[Concat(...)]</c>: joins tensors along channels; the other dimensions must agree.</summary>
internal sealed class Concat : Merge
{
    public override LayerKind Kind => LayerKind.Concat;

    protected override int[]? Join(LayerCheck check)
    {
        var x = check.X;
        if (check.Inputs.Any(i => i.Shape.Count != x.Count || !i.Shape.Skip(1).SequenceEqual(x.Skip(1))))
        {
            check.Error(DiagnosticRules.ConcatShapesDiffer, check.Layer.Name, check.DescribeInputs());
            return null;
        }

        var dims = x.Select(d => (long)d).ToArray();
        dims[0] = check.Inputs.Sum(i => (long)i.Shape[0]);
        return check.Output(dims);
    }

    public override long Flops(LayerShapes s) => 0;
}
