using System.Collections.Generic;
using System.Linq;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Model;

namespace Sdk.Generator.Analysis;

/// <summary>
/// Checks a layer's arguments and infers its per-sample output shape from its inputs' shapes. Every broken
/// rule is a diagnostic naming the layer and the shapes; the result is null then.
/// </summary>
internal static class ShapeInference
{
    public static int[]? Infer(LayerSpec layer, IReadOnlyList<(string Name, int[] Shape)> inputs, List<DiagnosticInfo> diagnostics)
    {
        if (!ArgumentsValid(layer, diagnostics))
        {
            return null;
        }

        var a = layer.Arguments;
        var (inputName, x) = inputs[0];
        switch (layer.Kind)
        {
            case LayerKind.Conv2D:
            {
                if (!NeedsImage(layer, "a [C, H, W] input", inputName, x, diagnostics))
                {
                    return null;
                }

                if (x[0] % a.Groups != 0 || a.Size % a.Groups != 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GroupsDoNotDivide, layer.Location, layer.Name, a.Groups, x[0], Shapes.Format(x), a.Size));
                    return null;
                }

                var h = Shapes.Window(x[1], a.Kernel, a.Stride, a.Padding, a.Dilation);
                var w = Shapes.Window(x[2], a.Kernel, a.Stride, a.Padding, a.Dilation);
                return NonEmpty(layer, x, new[] { a.Size, h, w }, diagnostics);
            }

            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
            {
                if (!NeedsImage(layer, "a [C, H, W] input", inputName, x, diagnostics))
                {
                    return null;
                }

                if (a.Padding * 2 > a.Kernel)
                {
                    Invalid(layer, "Padding", a.Padding, $"at most half the window ({a.Kernel / 2})", diagnostics);
                    return null;
                }

                var h = Shapes.Window(x[1], a.Kernel, a.Stride, a.Padding);
                var w = Shapes.Window(x[2], a.Kernel, a.Stride, a.Padding);
                return NonEmpty(layer, x, new[] { x[0], h, w }, diagnostics);
            }

            case LayerKind.GlobalAvgPool:
                return NeedsImage(layer, "a [C, H, W] input", inputName, x, diagnostics) ? new[] { x[0], 1, 1 } : null;

            case LayerKind.Dense:
                return new[] { a.Size };

            case LayerKind.Flatten:
                return new[] { (int)Shapes.Elements(x) };

            case LayerKind.Add:
            {
                if (inputs.Count < 2)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooFewInputs, layer.Location, layer.Name, "Add", inputs.Count));
                    return null;
                }

                if (inputs.Any(i => !Shapes.SameAs(i.Shape, x)))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AddShapesDiffer, layer.Location, layer.Name, Describe(inputs)));
                    return null;
                }

                return x;
            }

            case LayerKind.Concat:
            {
                if (inputs.Count < 2)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooFewInputs, layer.Location, layer.Name, "Concat", inputs.Count));
                    return null;
                }

                if (inputs.Any(i => i.Shape.Length != x.Length || !i.Shape.Skip(1).SequenceEqual(x.Skip(1))))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConcatShapesDiffer, layer.Location, layer.Name, Describe(inputs)));
                    return null;
                }

                var result = (int[])x.Clone();
                result[0] = inputs.Sum(i => i.Shape[0]);
                return result;
            }

            default:
                // BatchNorm, Softmax, Activation, Dropout keep the shape (over channels, or features of a vector).
                return x;
        }
    }

    private static bool ArgumentsValid(LayerSpec layer, List<DiagnosticInfo> diagnostics)
    {
        var a = layer.Arguments;
        var ok = true;
        void Check(bool valid, string argument, object value, string rule)
        {
            if (!valid)
            {
                Invalid(layer, argument, value, rule, diagnostics);
                ok = false;
            }
        }

        switch (layer.Kind)
        {
            case LayerKind.Conv2D:
                Check(a.Size > 0, "Filters", a.Size, "positive");
                Check(a.Kernel > 0, "Kernel", a.Kernel, "positive");
                Check(a.Stride > 0, "Stride", a.Stride, "positive");
                Check(a.Padding >= 0, "Padding", a.Padding, "zero or positive");
                Check(a.Dilation > 0, "Dilation", a.Dilation, "positive");
                Check(a.Groups > 0, "Groups", a.Groups, "positive");
                break;
            case LayerKind.Dense:
                Check(a.Size > 0, "Units", a.Size, "positive");
                break;
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                Check(a.Kernel > 0, "Size", a.Kernel, "positive");
                Check(a.Kernel <= 0 || a.Stride > 0, "Stride", a.Stride, "positive (or 0 for the window size)");
                Check(a.Padding >= 0, "Padding", a.Padding, "zero or positive");
                break;
            case LayerKind.BatchNorm:
                Check(a.Epsilon > 0, "Epsilon", a.Epsilon, "positive");
                Check(a.Momentum is >= 0 and <= 1, "Momentum", a.Momentum, "between 0 and 1");
                break;
            case LayerKind.Dropout:
                Check(a.Rate is >= 0 and < 1, "Rate", a.Rate, "at least 0 and below 1");
                break;
        }

        Check(a.Activation is >= 0 and <= 5, "Activation", a.Activation, "a value of Sdk.Activation");
        if (layer.BottleneckRatio is { } ratio && ratio < 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, layer.BottleneckLocation ?? layer.Location, $"Layer '{layer.Name}'", "Bottleneck Ratio", ratio, "1 or more"));
            ok = false;
        }

        if (layer.TransferFormat is { } format && !WireFormats.IsValid(format))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, layer.TransferLocation ?? layer.Location, $"Layer '{layer.Name}'", "Transfer Format", format, "a value of Sdk.WireFormat"));
            ok = false;
        }

        return ok;
    }

    private static bool NeedsImage(LayerSpec layer, string what, string inputName, int[] shape, List<DiagnosticInfo> diagnostics)
    {
        if (shape.Length == 3)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeMismatch, layer.Location, layer.Name, layer.Kind, what, inputName, Shapes.Format(shape)));
        return false;
    }

    private static int[]? NonEmpty(LayerSpec layer, int[] input, int[] output, List<DiagnosticInfo> diagnostics)
    {
        if (output[1] > 0 && output[2] > 0)
        {
            return output;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyOutput, layer.Location, layer.Name, layer.Kind, Shapes.Format(input), $"{output[1]}x{output[2]}"));
        return null;
    }

    private static void Invalid(LayerSpec layer, string argument, object value, string rule, List<DiagnosticInfo> diagnostics) =>
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, layer.Location, $"Layer '{layer.Name}'", argument, value, rule));

    private static string Describe(IReadOnlyList<(string Name, int[] Shape)> inputs) =>
        string.Join(", ", inputs.Select(i => $"'{i.Name}' {Shapes.Format(i.Shape)}"));
}
