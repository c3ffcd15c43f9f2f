using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Model;

namespace Sdk.Generator.Parsing;

/// <summary>Reads a <c>[Network]</c> class's attributes into a <see cref="NetworkSpec"/>. Never throws.</summary>
internal static class NetworkParser
{
    /// <summary>The parser's result: the spec (null when the class cannot be compiled at all) and what went wrong.</summary>
    public sealed record Result(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

    public static Result? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration)
        {
            return null;
        }

        // A partial class can carry [Network] on several declarations (a compiler error); handle it once.
        var networkAttribute = context.Attributes[0];
        if (!IsFirstNetworkDeclaration(type, declaration))
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var networkLocation = LocationInfo.From(networkAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));

        if (!IsPartialAll(type, cancellationToken))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkNotPartial, LocationInfo.From(declaration.Identifier.GetLocation()), type.Name));
            return new Result(null, diagnostics.ToEquatableArray());
        }

        var network = new AttributeReader(networkAttribute);
        var inputShape = ReadInts(network.Array("InputShape"));
        var autoPlacement = network.Enum("Placement", 0) == 1;
        if (network.IsBroken)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, networkLocation, "Network", type.Name));
        }

        var chips = new List<ChipSpec>();
        var links = new List<LinkSpec>();
        foreach (var attribute in type.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString();
            var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
            if (name == SdkNames.Chip)
            {
                var reader = new AttributeReader(attribute);
                var id = reader.Int(0);
                var chip = new ChipSpec(id, reader.String("Name") ?? $"chip{id}", reader.Double("Gflops", 0), reader.Long("MemoryKiB", 0), location);
                if (Report(reader, "Chip", type.Name, location, diagnostics))
                {
                    chips.Add(chip);
                }
            }
            else if (name == SdkNames.Link)
            {
                var reader = new AttributeReader(attribute);
                var link = new LinkSpec(
                    reader.Int(0),
                    reader.Int(1),
                    reader.Double("GigabytesPerSecond", 0),
                    reader.Double("LatencyMicroseconds", 0),
                    reader.Long("BudgetBytesPerSample", 0),
                    location);
                if (Report(reader, "Link", type.Name, location, diagnostics))
                {
                    links.Add(link);
                }
            }
        }

        var layers = new List<LayerSpec>();
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A second member of the same name is already a compiler error (CS0102); it is not a second layer.
            if (member is IPropertySymbol property && !layers.Any(l => l.Name == property.Name) &&
                LayerParser.Parse(property, diagnostics, cancellationToken) is { } layer)
            {
                layers.Add(layer);
            }
        }

        var spec = new NetworkSpec(
            ReadType(type),
            inputShape,
            networkLocation,
            autoPlacement,
            chips.ToEquatableArray(),
            links.ToEquatableArray(),
            layers.ToEquatableArray());
        return new Result(spec, diagnostics.ToEquatableArray());
    }

    internal static bool Report(AttributeReader reader, string attribute, string owner, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (!reader.IsBroken)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, location, attribute, owner));
        return false;
    }

    internal static EquatableArray<int> ReadInts(ImmutableArray<object?>? values) =>
        values is { } array ? array.Select(v => v is int i ? i : 0).ToEquatableArray() : EquatableArray<int>.Empty;

    private static bool IsFirstNetworkDeclaration(INamedTypeSymbol type, ClassDeclarationSyntax declaration)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == SdkNames.Network)
            {
                return attribute.ApplicationSyntaxReference?.GetSyntax().FirstAncestorOrSelf<ClassDeclarationSyntax>() == declaration;
            }
        }

        return false;
    }

    private static bool IsPartialAll(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax syntax &&
                    !syntax.Modifiers.Any(m => m.ValueText == "partial"))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static TypeSpec ReadType(INamedTypeSymbol type)
    {
        var containing = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, $"partial {TypeKeyword(outer)} {NameWithTypeParameters(outer)}");
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        var metadataName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
            .Replace("global::", string.Empty)
            .Replace('<', '{')
            .Replace('>', '}');
        return new TypeSpec(
            NameWithTypeParameters(type),
            ns,
            metadataName,
            Accessibility(type.DeclaredAccessibility),
            containing.ToEquatableArray());
    }

    private static string TypeKeyword(INamedTypeSymbol type) => (type.IsRecord, type.TypeKind) switch
    {
        (true, TypeKind.Struct) => "record struct",
        (true, _) => "record",
        (_, TypeKind.Struct) => "struct",
        (_, TypeKind.Interface) => "interface",
        _ => "class",
    };

    private static string NameWithTypeParameters(INamedTypeSymbol type) =>
        type.TypeParameters.IsEmpty ? type.Name : $"{type.Name}<{string.Join(", ", type.TypeParameters.Select(p => p.Name))}>";

    internal static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
