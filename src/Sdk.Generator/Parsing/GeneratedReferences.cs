using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Sdk.Generator.Parsing;

/// <summary>
/// Finds a declaration of the user's that hides a namespace or type the generated code names from the global
/// namespace: a type named <c>System</c>, <c>Sdk</c> or <c>ILGPU</c> at the top level (global::System.Lazy then
/// binds to it, CS0437), a namespace or type declared inside <c>Sdk</c> or <c>ILGPU</c> with the name of one of
/// theirs (namespace Sdk.Layer hides the type Sdk.Layer, CS0435), or a type in System's namespaces with the name
/// of one the generated code uses. Only those names in System: polyfills elsewhere in it are common and harmless.
/// </summary>
internal static class GeneratedReferences
{
    /// <summary>The System namespaces the generated code names and, in each, the members it names.</summary>
    private static readonly Dictionary<string, string[]> SystemNames = new(StringComparer.Ordinal)
    {
        [""] = new[] { "System", "Sdk", "ILGPU" },
        ["System"] = new[] { "Threading", "Runtime", "Lazy", "InvalidOperationException", "ArgumentOutOfRangeException", "Action" },
        ["System.Threading"] = new[] { "LazyInitializer" },
        ["System.Runtime"] = new[] { "Versioning" },
        ["System.Runtime.Versioning"] = new[] { "TargetFrameworkAttribute" },
    };

    /// <summary>The SDK's and ILGPU's namespaces: every name in them is the generated code's to use.</summary>
    private static readonly string[] OwnedRoots = { "Sdk", "ILGPU" };

    public sealed record Clash(ISymbol Declared, string Name, string Kind);

    public static Clash? Hidden(Compilation compilation)
    {
        var assembly = compilation.Assembly;
        foreach (var entry in SystemNames)
        {
            if (Find(compilation.GlobalNamespace, entry.Key) is { } ns && Check(ns, assembly, entry.Value) is { } clash)
            {
                return clash;
            }
        }

        foreach (var root in OwnedRoots)
        {
            if (compilation.GlobalNamespace.GetNamespaceMembers().FirstOrDefault(n => n.Name == root) is { } ns && Walk(ns, assembly) is { } clash)
            {
                return clash;
            }
        }

        return null;
    }

    /// <summary>Within an owned namespace: any name declared in source that a referenced assembly also declares there, unless both are namespaces.</summary>
    private static Clash? Walk(INamespaceSymbol ns, IAssemblySymbol assembly)
    {
        if (!InSource(ns, assembly))
        {
            return null;
        }

        if (Check(ns, assembly, null) is { } clash)
        {
            return clash;
        }

        foreach (var child in ns.GetNamespaceMembers())
        {
            if (InMetadata(child, assembly) && Walk(child, assembly) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    /// <summary>A source declaration in <paramref name="ns"/> whose name (one of <paramref name="names"/>, or any) a referenced assembly uses there for a type, or for a namespace where the source declares a type.</summary>
    private static Clash? Check(INamespaceSymbol ns, IAssemblySymbol assembly, string[]? names)
    {
        if (!InSource(ns, assembly))
        {
            return null;
        }

        foreach (var member in ns.GetMembers())
        {
            if (names is not null && Array.IndexOf(names, member.Name) < 0)
            {
                continue;
            }

            if (member is INamedTypeSymbol type && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, assembly))
            {
                // A type of the user's where a referenced assembly has a namespace or a type of that name.
                foreach (var other in ns.GetMembers(member.Name))
                {
                    if (other is INamespaceSymbol n && InMetadata(n, assembly))
                    {
                        return new Clash(type, type.Name, "namespace");
                    }

                    if (other is INamedTypeSymbol t && !SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, assembly))
                    {
                        return new Clash(type, type.Name, "type");
                    }
                }
            }
            else if (member is INamespaceSymbol child && InSource(child, assembly))
            {
                // A namespace of the user's where a referenced assembly has a type of that name.
                if (ns.GetTypeMembers(child.Name).Any(t => !SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, assembly)))
                {
                    return new Clash(child, child.Name, "type");
                }
            }
        }

        return null;
    }

    private static INamespaceSymbol? Find(INamespaceSymbol global, string path)
    {
        var ns = global;
        foreach (var part in path.Split(new[] { '.' }, StringSplitOptions.RemoveEmptyEntries))
        {
            ns = ns.GetNamespaceMembers().FirstOrDefault(n => n.Name == part);
            if (ns is null)
            {
                return null;
            }
        }

        return ns;
    }

    private static bool InSource(INamespaceSymbol ns, IAssemblySymbol assembly) =>
        ns.IsGlobalNamespace || ns.ConstituentNamespaces.Any(c => SymbolEqualityComparer.Default.Equals(c.ContainingAssembly, assembly));

    private static bool InMetadata(INamespaceSymbol ns, IAssemblySymbol assembly) =>
        ns.ConstituentNamespaces.Any(c => !SymbolEqualityComparer.Default.Equals(c.ContainingAssembly, assembly));
}
