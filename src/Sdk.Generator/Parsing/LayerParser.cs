using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sdk.Compiler;
using Sdk.Generator.Model;

namespace Sdk.Generator.Parsing;

/// <summary>Reads one property's layer attribute (through its kind's <see cref="LayerDefinition"/>) and its chip, branch, bottleneck and transfer annotations.</summary>
internal static class LayerParser
{
    /// <summary>
    /// A parsed layer: the spec, where its attributes are, the property to implement (null when its form is
    /// wrong), and whether every argument could be read (when not, the layer keeps its place but is not compiled).
    /// </summary>
    public sealed record Parsed(LayerSpec Spec, LayerLocations Locations, LayerProperty? Property, bool Readable);

    public static Parsed? Parse(IPropertySymbol property, int index, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var layerAttributes = new List<AttributeData>();
        AttributeData? onChip = null, bottleneck = null, transfer = null, branchAttribute = null;
        foreach (var attribute in property.GetAttributes())
        {
            switch (attribute.AttributeClass?.ToDisplayString())
            {
                case SdkNames.OnChip: onChip = attribute; break;
                case SdkNames.Bottleneck: bottleneck = attribute; break;
                case SdkNames.Transfer: transfer = attribute; break;
                case SdkNames.Branch: branchAttribute = attribute; break;
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
            if ((onChip ?? branchAttribute ?? bottleneck ?? transfer) is { } annotation)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.AnnotationWithoutLayer, Where(annotation, cancellationToken), property.Name, ShortName(annotation)));
            }

            return null;
        }

        var layerAttribute = layerAttributes[0];
        var location = Where(layerAttribute, cancellationToken);
        if (layerAttributes.Count > 1)
        {
            var names = string.Join(", ", layerAttributes.Select(a => $"[{ShortName(a)}]"));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.MultipleLayerAttributes, Where(layerAttributes[1], cancellationToken), property.Name, names));
        }

        var definition = LayerDefinitions.ByAttribute(ShortName(layerAttribute));
        if (definition is null || layerAttribute.AttributeClass?.ToDisplayString() != SdkNames.Attribute(definition.AttributeName!))
        {
            var known = string.Join(", ", LayerDefinitions.All.Where(d => d.AttributeName is not null).Select(d => d.AttributeName));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.UnknownLayerAttribute, location, layerAttribute.AttributeClass?.ToDisplayString(), property.Name, known));
            return null;
        }

        var reader = new AttributeReader(layerAttribute);
        var arguments = definition.Read(reader);
        var inputs = definition.ReadInputs(reader);
        var readable = NetworkParser.Report(reader, ShortName(layerAttribute), property.Name, location, diagnostics);

        int? chip = null, ratio = null, branch = null;
        WireEncoding? format = null;
        if (onChip is not null)
        {
            var r = new AttributeReader(onChip);
            var value = r.Int(0, "Chip");
            chip = NetworkParser.Report(r, "OnChip", property.Name, Where(onChip, cancellationToken), diagnostics) ? value : null;
            readable &= chip is not null;
        }

        if (branchAttribute is not null)
        {
            var r = new AttributeReader(branchAttribute);
            var value = r.Int(0, "Chip");
            branch = NetworkParser.Report(r, "Branch", property.Name, Where(branchAttribute, cancellationToken), diagnostics) ? value : null;
            readable &= branch is not null;
        }

        if (bottleneck is not null)
        {
            var r = new AttributeReader(bottleneck);
            var value = r.Int("Ratio", 1);
            ratio = NetworkParser.Report(r, "Bottleneck", property.Name, Where(bottleneck, cancellationToken), diagnostics) ? value : null;
            readable &= ratio is not null;
        }

        if (transfer is not null)
        {
            var r = new AttributeReader(transfer);
            var value = new WireEncoding((WireFormat)r.Enum("Format", 0), r.Int("Bits", 0));
            format = NetworkParser.Report(r, "Transfer", property.Name, Where(transfer, cancellationToken), diagnostics) ? value : null;
            readable &= format is not null;
        }

        var propertyLocation = LocationInfo.From(property.Locations.FirstOrDefault());
        var syntax = PartialLayerProperty(property, cancellationToken);
        if (syntax is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.InvalidLayerProperty, propertyLocation, property.Name));
        }

        var spec = new LayerSpec(property.Name, definition.Kind, arguments, inputs, chip, ratio, format, branch);
        var locations = new LayerLocations(location, propertyLocation, Where(onChip, cancellationToken), Where(bottleneck, cancellationToken), Where(transfer, cancellationToken), Where(branchAttribute, cancellationToken));
        // The implementation repeats the accessibility exactly as written: an implicit private against an explicit one is CS8799.
        var implemented = syntax is null ? null : new LayerProperty(
            Names.Identifier(property.Name), string.Join(" ", syntax.Modifiers.Where(m => SyntaxFacts.IsAccessibilityModifier(m.Kind())).Select(m => m.Text)), index);
        return new Parsed(spec, locations, implemented, readable);
    }

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

    /// <summary>
    /// The declaration of <c>partial Layer Name { get; }</c>, an instance property with only a getter, no body, and no
    /// modifier but its accessibility (virtual, new, required, abstract, ... would clash with the generated part or
    /// the rules), and no implementation of the user's (the generated one would be a second); null when the property
    /// has another form.
    /// </summary>
    private static PropertyDeclarationSyntax? PartialLayerProperty(IPropertySymbol property, CancellationToken cancellationToken)
    {
        if (property.IsStatic || property.SetMethod is not null || property.GetMethod is null || property.IsIndexer ||
            property.Type.ToDisplayString() != SdkNames.LayerType || property.DeclaringSyntaxReferences.Length != 1 ||
            property.PartialImplementationPart is not null || property.PartialDefinitionPart is not null)
        {
            return null;
        }

        return property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is PropertyDeclarationSyntax syntax &&
            syntax.Modifiers.Any(m => m.ValueText == "partial") &&
            syntax.Modifiers.All(m => m.ValueText is "partial" or "public" or "internal" or "protected" or "private") &&
            syntax.ExpressionBody is null &&
            syntax.ExplicitInterfaceSpecifier is null &&
            syntax.AccessorList is { } accessors &&
            accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null && a.Modifiers.Count == 0)
            ? syntax
            : null;
    }

    internal static string ShortName(AttributeData attribute)
    {
        var name = attribute.AttributeClass?.Name ?? "?";
        return name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }

    internal static LocationInfo? Where(AttributeData? attribute, CancellationToken cancellationToken) =>
        LocationInfo.From(attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
}
