using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Model;

namespace Sdk.Generator.Parsing;

/// <summary>Reads one property's layer attribute and its chip, bottleneck and transfer annotations.</summary>
internal static class LayerParser
{
    /// <summary>In <see cref="LayerSpec.Inputs"/>, this name stands for "the previously declared layer".</summary>
    public const string Previous = "";

    public static LayerSpec? Parse(IPropertySymbol property, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var layerAttributes = new List<AttributeData>();
        AttributeData? onChip = null, bottleneck = null, transfer = null;
        foreach (var attribute in property.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString();
            switch (name)
            {
                case SdkNames.OnChip: onChip = attribute; break;
                case SdkNames.Bottleneck: bottleneck = attribute; break;
                case SdkNames.Transfer: transfer = attribute; break;
                default:
                    if (IsLayerAttribute(attribute.AttributeClass))
                    {
                        layerAttributes.Add(attribute);
                    }

                    break;
            }
        }

        if (layerAttributes.Count == 0)
        {
            var annotation = onChip ?? bottleneck ?? transfer;
            if (annotation is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AnnotationWithoutLayer, Where(annotation, cancellationToken), property.Name, ShortName(annotation)));
            }

            return null;
        }

        var layerAttribute = layerAttributes[0];
        var location = Where(layerAttribute, cancellationToken);
        if (layerAttributes.Count > 1)
        {
            var names = string.Join(", ", layerAttributes.Select(a => $"[{ShortName(a)}]"));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleLayerAttributes, Where(layerAttributes[1], cancellationToken), property.Name, names));
        }

        var reader = new AttributeReader(layerAttribute);
        var kind = KindOf(ShortName(layerAttribute));
        var (arguments, inputs) = ReadArguments(kind, reader);
        if (kind is null)
        {
            return null;
        }

        var readable = NetworkParser.Report(reader, ShortName(layerAttribute), property.Name, location, diagnostics);

        int? chip = null, ratio = null, format = null;
        if (onChip is not null)
        {
            var r = new AttributeReader(onChip);
            chip = r.Int(0);
            chip = NetworkParser.Report(r, "OnChip", property.Name, Where(onChip, cancellationToken), diagnostics) ? chip : null;
        }

        if (bottleneck is not null)
        {
            var r = new AttributeReader(bottleneck);
            ratio = r.Int("Ratio", 1);
            ratio = NetworkParser.Report(r, "Bottleneck", property.Name, Where(bottleneck, cancellationToken), diagnostics) ? ratio : null;
        }

        if (transfer is not null)
        {
            var r = new AttributeReader(transfer);
            format = r.Enum("Format", 0);
            format = NetworkParser.Report(r, "Transfer", property.Name, Where(transfer, cancellationToken), diagnostics) ? format : null;
        }

        var isLayerProperty = IsPartialLayerProperty(property, cancellationToken);
        if (!isLayerProperty)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerProperty, LocationInfo.From(property.Locations.FirstOrDefault()), property.Name));
        }

        return new LayerSpec(
            property.Name,
            kind.Value,
            location,
            arguments,
            inputs,
            chip,
            onChip is null ? null : Where(onChip, cancellationToken),
            ratio,
            bottleneck is null ? null : Where(bottleneck, cancellationToken),
            format,
            transfer is null ? null : Where(transfer, cancellationToken),
            NetworkParser.Accessibility(property.DeclaredAccessibility),
            isLayerProperty,
            readable);
    }

    private static (LayerArguments Arguments, EquatableArray<string> Inputs) ReadArguments(LayerKind? kind, AttributeReader r)
    {
        var input = r.String("Input");
        var single = input is null ? EquatableArray.Of(Previous) : EquatableArray.Of(input);
        switch (kind)
        {
            case LayerKind.Conv2D:
                return (new LayerArguments(
                    Size: r.Int(0),
                    Kernel: r.Int("Kernel", 3),
                    Stride: r.Int("Stride", 1),
                    Padding: r.Int("Padding", 0),
                    Dilation: r.Int("Dilation", 1),
                    Groups: r.Int("Groups", 1),
                    Bias: r.Bool("Bias", true),
                    Activation: r.Enum("Activation", 0)), single);
            case LayerKind.Dense:
                return (new LayerArguments(Size: r.Int(0), Bias: r.Bool("Bias", true), Activation: r.Enum("Activation", 0)), single);
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                var size = r.Int(0);
                var stride = r.Int("Stride", 0);
                return (new LayerArguments(Size: size, Kernel: size, Stride: stride == 0 ? size : stride, Padding: r.Int("Padding", 0)), single);
            case LayerKind.BatchNorm:
                return (new LayerArguments(Epsilon: r.Double("Epsilon", 1e-5), Momentum: r.Double("Momentum", 0.1), Activation: r.Enum("Activation", 0)), single);
            case LayerKind.Activation:
                return (new LayerArguments(Activation: r.Enum(0)), single);
            case LayerKind.Dropout:
                return (new LayerArguments(Rate: r.Double(0)), single);
            case LayerKind.Add:
            case LayerKind.Concat:
                var named = (r.Array(0) ?? ImmutableArray<object?>.Empty).Select(v => v as string ?? string.Empty).ToList();
                if (named.Count < 2)
                {
                    // One name: the previous layer (or Input) and that layer; none: only the previous.
                    named.Insert(0, input ?? Previous);
                }
                else if (input is not null)
                {
                    named.Insert(0, input);
                }

                return (new LayerArguments(Activation: kind == LayerKind.Add ? r.Enum("Activation", 0) : 0), named.ToEquatableArray());
            default:
                return (new LayerArguments(), single);
        }
    }

    private static LayerKind? KindOf(string attributeName) => attributeName switch
    {
        "Conv2D" => LayerKind.Conv2D,
        "Dense" => LayerKind.Dense,
        "MaxPool" => LayerKind.MaxPool,
        "AvgPool" => LayerKind.AvgPool,
        "GlobalAvgPool" => LayerKind.GlobalAvgPool,
        "BatchNorm" => LayerKind.BatchNorm,
        "Flatten" => LayerKind.Flatten,
        "Softmax" => LayerKind.Softmax,
        "Activate" => LayerKind.Activation,
        "Add" => LayerKind.Add,
        "Concat" => LayerKind.Concat,
        "Dropout" => LayerKind.Dropout,
        _ => null,
    };

    private static bool IsLayerAttribute(INamedTypeSymbol? type)
    {
        for (var current = type?.BaseType; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == SdkNames.LayerBase)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPartialLayerProperty(IPropertySymbol property, CancellationToken cancellationToken)
    {
        if (property.IsStatic || property.SetMethod is not null || property.GetMethod is null ||
            property.Type.ToDisplayString() != SdkNames.LayerType || property.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        return property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is PropertyDeclarationSyntax syntax &&
            syntax.Modifiers.Any(m => m.ValueText == "partial") &&
            syntax.ExpressionBody is null &&
            syntax.AccessorList is { } accessors &&
            accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null);
    }

    internal static string ShortName(AttributeData attribute)
    {
        var name = attribute.AttributeClass?.Name ?? "?";
        return name.EndsWith("Attribute") ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }

    private static LocationInfo? Where(AttributeData attribute, CancellationToken cancellationToken) =>
        LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
}
