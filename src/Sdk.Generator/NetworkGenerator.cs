using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sdk.Compiler;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Emit;
using Sdk.Generator.Model;
using Sdk.Generator.Parsing;

namespace Sdk.Generator;

/// <summary>
/// The model compiler's build-time front end: <c>[Network]</c> class in; plan, layer bodies, traffic report,
/// per-chip kernels and diagnostics out. Parsing (Roslyn symbols to a location-free <see cref="NetworkSpec"/>)
/// then the compiler core's stages (<see cref="LcpTransform"/> and <see cref="NetworkPlacement"/>, then
/// <see cref="NetworkCompiler"/>) then Emit.
/// Diagnostics and sources are separate outputs, and placement and compilation see no source locations, so an
/// edit that only moves text (a comment) re-reports diagnostics at their new places and recomputes nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, checked by the incrementality tests.</summary>
    public static class Steps
    {
        public const string Parse = nameof(Parse);
        public const string Network = nameof(Network);
        public const string Place = nameof(Place);
        public const string Compile = nameof(Compile);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Output = nameof(Output);
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                SdkNames.Network,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => Guard(
                    () => NetworkParser.Parse(ctx, ct),
                    ctx.TargetSymbol.Name,
                    d => new ParsedNetwork(null, null, EquatableArray.Of(new DiagnosticInfo(d.Id, LocationInfo.From(ctx.TargetNode), d.Arguments)))))
            .Where(static r => r is not null)
            .Select(static (r, _) => r!)
            .WithTrackingName(Steps.Parse);

        var compiled = parsed
            .Where(static p => p.Network is not null)
            .Select(static (p, _) => p.Network!)
            .WithTrackingName(Steps.Network)
            .Select(static (n, _) => Guard(
                () => Place(n),
                n.Spec.Name,
                d => new PlacedNetwork(n, new LcpOutcome(null, EquatableArray<CompilerDiagnostic>.Empty, EquatableArray<int>.Empty), new PlacementOutcome(null, EquatableArray.Of(d)))))
            .WithTrackingName(Steps.Place)
            .Select(static (p, _) => Guard(
                () => NetworkEmitter.Emit(p),
                p.Input.Spec.Name,
                d => NetworkEmitter.Failed(p.Input, d)))
            .WithTrackingName(Steps.Compile);

        // Diagnostics: the parser's (already located) and the compiler's, placed through the parser's locations.
        var diagnostics = parsed.Collect()
            .Combine(compiled.Collect())
            .Select(static (pair, _) => Locate(pair.Left, pair.Right))
            .WithTrackingName(Steps.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (var info in list)
            {
                if (DiagnosticDescriptors.Find(info.Id) is { } descriptor)
                {
                    spc.ReportDiagnostic(Diagnostic.Create(descriptor, info.Location?.ToLocation(), info.Arguments.Cast<object>().ToArray()));
                }
            }
        });

        var outputs = compiled.Select(static (o, _) => o.Files).WithTrackingName(Steps.Output);
        context.RegisterSourceOutput(outputs, static (spc, files) =>
        {
            foreach (var file in files)
            {
                spc.AddSource(file.HintName, file.Text);
            }
        });
    }

    /// <summary>The core's stages before compilation: the <c>[Lcp]</c> branches derived (if asked for), then placement.</summary>
    private static PlacedNetwork Place(NetworkInput network)
    {
        var none = new PlacementOutcome(null, EquatableArray<CompilerDiagnostic>.Empty);
        if (!network.Compilable)
        {
            return new PlacedNetwork(network, new LcpOutcome(null, EquatableArray<CompilerDiagnostic>.Empty, EquatableArray<int>.Empty), none);
        }

        var lcp = LcpTransform.Apply(network.Spec);
        return new PlacedNetwork(network, lcp, lcp.Spec is { } derived ? NetworkPlacement.Place(derived) : none);
    }

    private static EquatableArray<DiagnosticInfo> Locate(ImmutableArray<ParsedNetwork> parsed, ImmutableArray<GeneratorOutput> compiled)
    {
        var all = new List<DiagnosticInfo>();
        foreach (var network in parsed)
        {
            all.AddRange(network.Diagnostics);
            var output = network.Network is { } input ? compiled.FirstOrDefault(o => o.HintName == input.Type.HintName) : null;
            foreach (var diagnostic in output?.Diagnostics ?? EquatableArray<CompilerDiagnostic>.Empty)
            {
                all.Add(DiagnosticDescriptors.Locate(diagnostic, network.Locations));
            }
        }

        return all.ToEquatableArray();
    }

    /// <summary>
    /// The generator never throws: a failure of its own (a bug) becomes SDK0040 on the network, and the step's
    /// <paramref name="failed"/> result, instead of the compiler's CS8785, which would drop every other diagnostic.
    /// </summary>
    private static T Guard<T>(Func<T> step, string network, Func<CompilerDiagnostic, T> failed)
    {
        try
        {
            return step();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return failed(CompilerDiagnostic.Create(DiagnosticRules.InternalError, DiagnosticTarget.Network, network, e.GetType().Name, e.Message));
        }
    }
}
