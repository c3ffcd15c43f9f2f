using Microsoft.CodeAnalysis;
using Sdk.Generator.Analysis;
using Sdk.Generator.Diagnostics;
using Sdk.Generator.Emit;
using Sdk.Generator.Model;
using Sdk.Generator.Parsing;

namespace Sdk.Generator;

/// <summary>
/// The model compiler: <c>[Network]</c> class in; plan, layer bodies, traffic report and diagnostics out.
/// Stages: Parsing (attributes to <see cref="NetworkSpec"/>) then Analysis (spec to <see cref="PlanModel"/>) then Emit.
/// Diagnostics and sources are separate outputs, so a changed message never re-emits unchanged code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, checked by the incrementality tests.</summary>
    public static class Steps
    {
        public const string Parse = nameof(Parse);
        public const string Compile = nameof(Compile);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Output = nameof(Output);
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var compiled = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                SdkNames.Network,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                static (ctx, ct) => NetworkParser.Parse(ctx, ct))
            .Where(static r => r is not null)
            .WithTrackingName(Steps.Parse)
            .Select(static (r, _) => NetworkCompiler.Compile(r!))
            .WithTrackingName(Steps.Compile);

        var diagnostics = compiled.Select(static (r, _) => r.Diagnostics).WithTrackingName(Steps.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (var info in list)
            {
                if (DiagnosticDescriptors.Find(info.Id) is { } descriptor)
                {
                    spc.ReportDiagnostic(Diagnostic.Create(descriptor, info.Location?.ToLocation(), System.Linq.Enumerable.ToArray<object>(info.Arguments)));
                }
            }
        });

        var outputs = compiled.Select(static (r, _) => r.Output).Where(static o => o is not null).WithTrackingName(Steps.Output);
        context.RegisterSourceOutput(outputs, static (spc, output) => Emit(spc, output!));
    }

    private static void Emit(SourceProductionContext context, GeneratorOutput output)
    {
        var hint = output.Type.HintName;
        context.AddSource($"{hint}.Layers.g.cs", LayersEmitter.Emit(output));
        if (output.Plan is { } plan)
        {
            context.AddSource($"{hint}.Plan.g.cs", PlanEmitter.Emit(output.Type, plan));
            context.AddSource($"{hint}.Traffic.g.cs", TrafficEmitter.Emit(output.Type, plan));
            foreach (var chip in plan.Chips)
            {
                context.AddSource($"{hint}.Chip{chip.Id}.g.cs", ChipEmitter.Emit(output.Type, plan, chip.Id));
            }
        }
    }
}
