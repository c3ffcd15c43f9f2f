using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Sdk.Compiler;

namespace Sdk.Generator.Model;

/// <summary>A source location without the syntax tree, so models stay cacheable.</summary>
public sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(SyntaxNode? node) => From(node?.GetLocation());

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}

/// <summary>A diagnostic to report: its rule's ID, where, and the message arguments as strings.</summary>
public sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticRule rule, LocationInfo? location, params object?[] arguments) =>
        new(rule.Id, location, CompilerDiagnostic.Create(rule, DiagnosticTarget.Class, arguments).Arguments);
}

/// <summary>Where the partial class lives, enough to re-open it in generated code. Names are escaped C# identifiers.</summary>
/// <param name="HintName">A file-name-safe stem for the generated files, unique per type.</param>
public sealed record TypeSpec(
    string Name,
    string? Namespace,
    string HintName,
    EquatableArray<string> ContainingTypes);

/// <summary>A partial layer property to implement.</summary>
/// <param name="Name">The property's name as an escaped C# identifier.</param>
/// <param name="Accessibility">Its accessibility modifiers as written (empty when it has none).</param>
/// <param name="LayerIndex">Its index in the spec's layers.</param>
public sealed record LayerProperty(string Name, string Accessibility, int LayerIndex);

/// <summary>Where each attribute of a layer is, for the diagnostics the compiler reports on it.</summary>
public sealed record LayerLocations(LocationInfo? Attribute, LocationInfo? Property, LocationInfo? OnChip, LocationInfo? Bottleneck, LocationInfo? Transfer, LocationInfo? Branch = null)
{
    public LocationInfo? Of(LayerPart part) => part switch
    {
        LayerPart.Property => Property ?? Attribute,
        LayerPart.OnChip => OnChip ?? Attribute,
        LayerPart.Bottleneck => Bottleneck ?? Attribute,
        LayerPart.Transfer => Transfer ?? Attribute,
        LayerPart.Branch => Branch ?? Attribute,
        _ => Attribute,
    };
}

/// <summary>Where everything the compiler may complain about is: the class, its attributes and each layer's.</summary>
/// <param name="Lcp">The <c>[Lcp]</c> attribute, where the network has one.</param>
public sealed record NetworkLocations(
    LocationInfo? Class,
    LocationInfo? Network,
    EquatableArray<LocationInfo> Chips,
    EquatableArray<LocationInfo> Links,
    EquatableArray<LayerLocations> Layers,
    LocationInfo? Lcp = null)
{
    public LocationInfo? Of(DiagnosticTarget target) => target.Kind switch
    {
        TargetKind.Class => Class,
        TargetKind.Lcp => Lcp ?? Network ?? Class,
        TargetKind.Chip when target.Index >= 0 && target.Index < Chips.Count => Chips[target.Index],
        TargetKind.Link when target.Index >= 0 && target.Index < Links.Count => Links[target.Index],
        TargetKind.Layer when target.Index >= 0 && target.Index < Layers.Count => Layers[target.Index].Of(target.Part),
        _ => Network ?? Class,
    };
}

/// <summary>
/// What the parser read off one class: the location-free part the compiler works on (<see cref="Network"/>),
/// where everything is, and the problems only the parser can see (on members that are not layers, say).
/// </summary>
public sealed record ParsedNetwork(NetworkInput? Network, NetworkLocations? Locations, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// The location-free input of the compile steps: an edit that only moves text (a comment) leaves it equal, so
/// placement and compilation stay cached.
/// </summary>
/// <param name="Compilable">False when some attribute could not be read (the C# compiler reports why): the network is not compiled.</param>
/// <param name="ParsedCleanly">False when the parser reported an error: only property stubs are emitted, so no generated code can clash with the class.</param>
public sealed record NetworkInput(TypeSpec Type, EquatableArray<LayerProperty> Properties, NetworkSpec Spec, bool Compilable, bool ParsedCleanly);

/// <summary>The network after the placement step: its <c>[Lcp]</c> branches derived (if it asks), then placed.</summary>
public sealed record PlacedNetwork(NetworkInput Input, LcpOutcome Lcp, PlacementOutcome Placement);

/// <summary>One generated source file.</summary>
public sealed record GeneratedFile(string HintName, string Text);

/// <summary>What the compile step hands on: the generated files and the compiler's (location-free) diagnostics.</summary>
public sealed record GeneratorOutput(string HintName, EquatableArray<GeneratedFile> Files, EquatableArray<CompilerDiagnostic> Diagnostics);
