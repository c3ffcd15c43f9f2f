using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sdk.Compiler;
using Sdk.Generator.Model;

namespace Sdk.Generator.Parsing;

/// <summary>
/// Reads a <c>[Network]</c> class into a <see cref="ParsedNetwork"/>: the location-free spec the compiler works
/// on, where each attribute is, and the problems only the parser sees (the class's form, members that are not
/// layers, names the generated code needs). The only stage that touches Roslyn symbols. Never throws.
/// </summary>
internal static class NetworkParser
{
    public static ParsedNetwork? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
        {
            return null;
        }

        // A partial class can carry [Network] on several declarations (a compiler error); handle it once. A name the
        // C# parser found missing (a declaration cut short) is its error to report: there is no class to generate into.
        if (!IsFirstNetworkDeclaration(type, declaration) || HasMissingName(type))
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var classLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        var networkAttribute = context.Attributes[0];
        var networkLocation = LocationInfo.From(networkAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
        if (!IsPartialAll(type, cancellationToken))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.NetworkNotPartial, classLocation, type.Name));
            return new ParsedNetwork(null, null, diagnostics.ToEquatableArray());
        }

        if (Unsupported(type) is { } reason)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.UnsupportedNetworkClass, classLocation, type.Name, reason));
            return new ParsedNetwork(null, null, diagnostics.ToEquatableArray());
        }

        // The generated code names what it uses from the global namespace (global::System..., global::Sdk...,
        // global::ILGPU...); a declaration of the user's that takes one of those names binds it instead.
        if (GeneratedReferences.Hidden(context.SemanticModel.Compilation) is { } hidden)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.HiddenGeneratedReference, LocationInfo.From(hidden.Declared.Locations.FirstOrDefault(l => l.IsInSource)),
                hidden.Name, hidden.Kind, type.Name));
            return new ParsedNetwork(null, null, diagnostics.ToEquatableArray());
        }

        if (Names.IsReserved(type.Name))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.ReservedName, classLocation, type.Name, "a network class name", "the generated code adds members Plan, Parameters and Programs (and __Sdk...) to the class"));
        }

        // What the generated code adds must not hide what a base class offers (a base network's Plan, say).
        var compilation = context.SemanticModel.Compilation;
        foreach (var inherited in InheritedReservedMembers(type, compilation))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.ReservedName, classLocation, inherited.Name, $"a member of '{inherited.ContainingType.ToDisplayString()}', a base class of network '{type.Name}'",
                "the generated code adds a member of that name to the network class, which would hide the inherited one"));
        }

        var network = new AttributeReader(networkAttribute);
        var inputShape = ReadInts(network.Array("InputShape"));
        var placement = (PlacementMode)network.Enum("Placement", 0);
        var readable = Report(network, "Network", type.Name, networkLocation, diagnostics);

        var chips = new List<ChipSpec>();
        var chipLocations = new List<LocationInfo>();
        var links = new List<LinkSpec>();
        var linkLocations = new List<LocationInfo>();
        LcpSpec? lcp = null;
        LocationInfo? lcpLocation = null;
        foreach (var attribute in type.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString();
            var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
            var reader = new AttributeReader(attribute);
            if (name == SdkNames.Chip)
            {
                var chip = new ChipSpec(reader.Int(0, "Id"), reader.String("Name"), reader.Double("Gflops", 0), reader.Long("MemoryKiB", 0));
                readable &= Report(reader, "Chip", type.Name, location, diagnostics);
                chips.Add(chip);
                chipLocations.Add(location!);
            }
            else if (name == SdkNames.Link)
            {
                var link = new LinkSpec(
                    reader.Int(0, "ChipA"),
                    reader.Int(1, "ChipB"),
                    reader.Double("GigabytesPerSecond", 0),
                    reader.Double("LatencyMicroseconds", 0),
                    reader.Long("BudgetBytesPerSample", 0));
                readable &= Report(reader, "Link", type.Name, location, diagnostics);
                links.Add(link);
                linkLocations.Add(location!);
            }
            else if (name == SdkNames.Lcp)
            {
                lcp = new LcpSpec(reader.Int("Branches", 0), reader.String("LastBranchLayer"), reader.Int("MergeChip", 0));
                readable &= Report(reader, "Lcp", type.Name, location, diagnostics);
                lcpLocation = location;
            }
        }

        var layers = new List<LayerParser.Parsed>();
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared)
            {
                continue;
            }

            if (Names.IsReserved(member.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.ReservedName, LocationInfo.From(member.Locations.FirstOrDefault()), member.Name, "a member name of a network class", "the generated code defines it"));
            }

            // A second member of the same name is already a compiler error (CS0102); it is not a second layer.
            if (member is IPropertySymbol property && !layers.Any(l => l.Spec.Name == property.Name) &&
                LayerParser.Parse(property, layers.Count, diagnostics, cancellationToken) is { } layer)
            {
                layers.Add(layer);
            }
        }

        var spec = new NetworkSpec(
            type.Name,
            inputShape,
            placement,
            chips.ToEquatableArray(),
            links.ToEquatableArray(),
            layers.Select(l => l.Spec).ToEquatableArray(),
            lcp);
        var locations = new NetworkLocations(
            classLocation,
            networkLocation,
            chipLocations.ToEquatableArray(),
            linkLocations.ToEquatableArray(),
            layers.Select(l => l.Locations).ToEquatableArray(),
            lcpLocation);
        var properties = layers.Where(l => l.Property is not null).Select(l => l.Property!).ToEquatableArray();
        readable &= layers.All(l => l.Readable);
        var clean = !diagnostics.Any(d => DiagnosticRules.Find(d.Id)?.Severity == Severity.Error);
        return new ParsedNetwork(new NetworkInput(ReadType(type), properties, spec, readable, clean), locations, diagnostics.ToEquatableArray());
    }

    /// <summary>Reports an attribute whose arguments could not be read; true when they could.</summary>
    internal static bool Report(AttributeReader reader, string attribute, string owner, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (!reader.IsBroken)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticRules.UnreadableAttribute, location, attribute, owner));
        return false;
    }

    internal static EquatableArray<int> ReadInts(ImmutableArray<object?>? values) =>
        values is { } array ? array.Select(v => v is int i ? i : 0).ToEquatableArray() : EquatableArray<int>.Empty;

    /// <summary>Why a class cannot hold a network, or null when it can.</summary>
    private static string? Unsupported(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsRecord)
        {
            return "it must be a class (not a record, struct or interface)";
        }

        if (type.IsStatic)
        {
            return "it must not be static: its instances hold the network's parameters";
        }

        if (type.IsFileLocal)
        {
            return "it must not be file-local: the generated code is in other files";
        }

        if (type.IsGenericType)
        {
            return "it must not be generic: its plan is one for the class";
        }

        // The base network's generated members are not there yet when this one is read, so the name check below cannot see them.
        if (EnumerateBases(type).FirstOrDefault(b => b.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == SdkNames.Network)) is { } baseNetwork)
        {
            return $"it must not derive from network class '{baseNetwork.ToDisplayString()}': the generated Plan, Parameters and Programs of the two would clash";
        }

        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsGenericType)
            {
                return $"it must not be nested in generic type '{outer.ToDisplayString()}': its plan would exist once per type argument";
            }

            if (outer.IsFileLocal)
            {
                return $"it must not be nested in file-local type '{outer.Name}'";
            }
        }

        return null;
    }

    /// <summary>The members of base classes, visible in <paramref name="type"/>, named like a member the generated code adds; one per name.</summary>
    private static IEnumerable<ISymbol> InheritedReservedMembers(INamedTypeSymbol type, Compilation compilation) =>
        EnumerateBases(type)
            .SelectMany(b => b.GetMembers())
            .Where(m => !m.IsImplicitlyDeclared && Names.IsReserved(m.Name) && compilation.IsSymbolAccessibleWithin(m, type))
            .GroupBy(m => m.Name)
            .Select(g => g.First());

    private static IEnumerable<INamedTypeSymbol> EnumerateBases(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            yield return current;
        }
    }

    private static bool HasMissingName(INamedTypeSymbol type)
    {
        for (ISymbol? symbol = type; symbol is not null and not INamespaceSymbol { IsGlobalNamespace: true }; symbol = symbol.ContainingSymbol)
        {
            if (symbol.Name.Length == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFirstNetworkDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == SdkNames.Network)
            {
                return attribute.ApplicationSyntaxReference?.GetSyntax().FirstAncestorOrSelf<TypeDeclarationSyntax>() == declaration;
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
            containing.Insert(0, $"partial {TypeKeyword(outer)} {Names.Identifier(outer.Name)}");
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? Names.Dotted(n.ToDisplayString()) : null;
        return new TypeSpec(Names.Identifier(type.Name), ns, Names.Hint(MetadataName(type)), containing.ToEquatableArray());
    }

    /// <summary>Namespace.Outer+Inner, unique per type.</summary>
    private static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." + name : name;
    }

    private static string TypeKeyword(INamedTypeSymbol type) => (type.IsRecord, type.TypeKind) switch
    {
        (true, TypeKind.Struct) => "record struct",
        (true, _) => "record",
        (_, TypeKind.Struct) => "struct",
        (_, TypeKind.Interface) => "interface",
        _ => "class",
    };
}
