using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

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

/// <summary>A diagnostic to report: its descriptor's ID, where, and the message arguments as strings.</summary>
public sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
    {
        var text = new string[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            text[i] = System.Convert.ToString(arguments[i], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return new DiagnosticInfo(descriptor.Id, location, text.ToEquatableArray());
    }
}
