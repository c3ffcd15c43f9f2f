using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sdk.Compiler;
using Sdk.Generator.Model;

namespace Sdk.Generator.Diagnostics;

/// <summary>
/// The compiler's rules (<see cref="DiagnosticRules"/>, the one list) as Roslyn descriptors, and the mapping of
/// the compiler's location-free diagnostics onto the attributes they are about.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Sdk.Network";

    private static readonly Dictionary<string, DiagnosticDescriptor> ById =
        DiagnosticRules.All.ToDictionary(r => r.Id, r => new DiagnosticDescriptor(
            r.Id, r.Title, r.MessageFormat, Category, Severity(r.Severity), isEnabledByDefault: true, helpLinkUri: r.HelpUrl));

    public static IEnumerable<DiagnosticDescriptor> All => ById.Values;

    public static DiagnosticDescriptor? Find(string id) => ById.TryGetValue(id, out var descriptor) ? descriptor : null;

    /// <summary>A compiler diagnostic placed on the attribute (or identifier) its target names.</summary>
    public static DiagnosticInfo Locate(CompilerDiagnostic diagnostic, NetworkLocations? locations) =>
        new(diagnostic.Id, locations?.Of(diagnostic.Target), diagnostic.Arguments);

    private static DiagnosticSeverity Severity(Sdk.Compiler.Severity severity) => severity switch
    {
        Sdk.Compiler.Severity.Error => DiagnosticSeverity.Error,
        Sdk.Compiler.Severity.Warning => DiagnosticSeverity.Warning,
        _ => DiagnosticSeverity.Info,
    };
}
