using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Sdk.Generator.Parsing;

/// <summary>Names as the generated code writes them: escaped identifiers, safe file names, and the names it reserves.</summary>
internal static class Names
{
    /// <summary>Members the generated code adds to a network class (besides those starting with <see cref="ReservedPrefix"/>).</summary>
    public static readonly string[] GeneratedMembers = { "Plan", "Parameters", "Programs" };

    /// <summary>Every generated private member starts with this.</summary>
    public const string ReservedPrefix = "__Sdk";

    /// <summary>
    /// The longest hint name stem used as is; longer ones are cut and get a hash, so a class name near C#'s
    /// 512-character identifier limit still makes a file name every file system takes.
    /// </summary>
    private const int MaxHintLength = 120;

    /// <summary>
    /// An identifier as C# source writes it: keywords get an <c>@</c> (a class named <c>@class</c>), and so do contextual
    /// keywords (<c>@record</c>, <c>@var</c>) and lower-case ASCII names, which C# may reserve later: written without it, a
    /// type so named draws CS8860 or CS8981 in the generated file, and <c>var</c> or <c>nameof</c> would change meaning.
    /// </summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None || (name.Length > 0 && name.All(c => c is >= 'a' and <= 'z'))
            ? "@" + name
            : name;

    /// <summary>A dotted name (namespace) with each part escaped.</summary>
    public static string Dotted(string name) => string.Join(".", name.Split('.').Select(Identifier));

    public static bool IsReserved(string name) =>
        GeneratedMembers.Contains(name) || name.StartsWith(ReservedPrefix, System.StringComparison.OrdinalIgnoreCase);

    /// <summary>A file-name stem from a type's full metadata name: ASCII letters, digits, '.', '_' only, bounded in length.</summary>
    public static string Hint(string metadataName)
    {
        var text = new StringBuilder(metadataName.Length);
        foreach (var c in metadataName)
        {
            text.Append(c < 128 && (char.IsLetterOrDigit(c) || c == '.' || c == '_') ? c : '_');
        }

        // A name that had to change, or be cut, gets a hash of the original: two types never share a stem.
        var hint = text.ToString();
        return hint == metadataName && hint.Length <= MaxHintLength
            ? hint
            : hint.Substring(0, System.Math.Min(hint.Length, MaxHintLength)) + "_" + Fnv(metadataName).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ulong Fnv(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
