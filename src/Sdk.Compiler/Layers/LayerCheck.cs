using System.Collections.Generic;
using System.Linq;

namespace Sdk.Compiler;

/// <summary>
/// What a <see cref="LayerDefinition"/> checks a layer with: its arguments, its inputs' names and shapes, and
/// helpers that report a broken rule as a diagnostic on the layer attribute, naming the layer and the shapes.
/// </summary>
internal sealed class LayerCheck
{
    private readonly List<CompilerDiagnostic> _diagnostics;

    public LayerCheck(LayerSpec layer, int index, IReadOnlyList<(string Name, EquatableArray<int> Shape)> inputs, List<CompilerDiagnostic> diagnostics)
    {
        Layer = layer;
        Index = index;
        Inputs = inputs;
        _diagnostics = diagnostics;
    }

    public LayerSpec Layer { get; }

    public int Index { get; }

    public LayerArguments Args => Layer.Arguments;

    public IReadOnlyList<(string Name, EquatableArray<int> Shape)> Inputs { get; }

    /// <summary>The first input's shape.</summary>
    public EquatableArray<int> X => Inputs[0].Shape;

    /// <summary>False once any rule failed.</summary>
    public bool Ok { get; private set; } = true;

    public void Error(DiagnosticRule rule, params object?[] arguments)
    {
        _diagnostics.Add(CompilerDiagnostic.Create(rule, DiagnosticTarget.Layer(Index), arguments));
        Ok = false;
    }

    /// <summary>Reports <paramref name="argument"/> = <paramref name="value"/> unless <paramref name="valid"/>.</summary>
    public void Require(bool valid, string argument, object value, string rule)
    {
        if (!valid)
        {
            Error(DiagnosticRules.InvalidArgument, $"Layer '{Layer.Name}'", argument, value, rule);
        }
    }

    public void Positive(string argument, int value) => Require(value > 0, argument, value, "positive");

    public void NotNegative(string argument, int value) => Require(value >= 0, argument, value, "zero or positive");

    /// <summary>A double that must be finite and inside [min, max] (NaN and infinities fail).</summary>
    public void Finite(string argument, double value, double min, double max, string rule) =>
        Require(value >= min && value <= max, argument, value, rule);

    /// <summary>True when the first input is <c>[C, H, W]</c>; else reports what the layer needs.</summary>
    public bool NeedsImage()
    {
        if (X.Count == 3)
        {
            return true;
        }

        Error(DiagnosticRules.ShapeMismatch, Layer.Name, Layer.Kind, "a [C, H, W] input", Inputs[0].Name, X);
        return false;
    }

    /// <summary>
    /// True when the first input, zero-padded by <paramref name="padding"/> on every side, fits one tensor: the
    /// kernels copy the padded input, and every index into it must fit an int however large the padding (a stride
    /// as large can still make the output small). Else reports the padding.
    /// </summary>
    public bool PaddedInputFits(int padding)
    {
        var padded = Shapes.SaturatingMultiply(X[0], Shapes.SaturatingMultiply(X[1] + (2L * padding), X[2] + (2L * padding)));
        Require(padded <= Shapes.MaxElements, "Padding", padding,
            $"small enough that the padded input [{X[0]}, {X[1]} + 2 x padding, {X[2]} + 2 x padding] fits one tensor ({Shapes.MaxElements} elements)");
        return Ok;
    }

    /// <summary>
    /// The output shape, or null after reporting an empty window (a spatial size below 1) or a tensor larger
    /// than one array holds. Sizes come in as longs, so nothing has overflowed on the way.
    /// </summary>
    public int[]? Output(params long[] dims)
    {
        if (dims.Length == 3 && (dims[1] < 1 || dims[2] < 1))
        {
            Error(DiagnosticRules.EmptyOutput, Layer.Name, Layer.Kind, X, $"{dims[1]}x{dims[2]}");
            return null;
        }

        long elements = 1;
        foreach (var d in dims)
        {
            elements = Shapes.SaturatingMultiply(elements, d);
        }

        if (dims.Any(d => d < 1 || d > int.MaxValue) || elements > Shapes.MaxElements)
        {
            Error(DiagnosticRules.TensorTooLarge, Layer.Name, Layer.Kind, "[" + string.Join(", ", dims) + "]", elements == long.MaxValue ? "over 2^63" : elements.ToString(System.Globalization.CultureInfo.InvariantCulture), Shapes.MaxElements);
            return null;
        }

        return dims.Select(d => (int)d).ToArray();
    }

    /// <summary>"'A' [3, 8, 8], 'B' [4, 8, 8]" for messages about several inputs.</summary>
    public string DescribeInputs() => string.Join(", ", Inputs.Select(i => $"'{i.Name}' {Shapes.Format(i.Shape)}"));
}
