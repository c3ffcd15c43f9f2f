using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Sdk.Generator;

namespace Sdk.Generator.Tests.Infrastructure;

/// <summary>Runs the generator over C# sources in memory, the way the compiler does in a build.</summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(NetworkAttribute).Assembly.Location);
        paths.Add(typeof(Sdk.Compiler.NetworkPlan).Assembly.Location);
        paths.Add(typeof(ILGPU.Context).Assembly.Location);
        paths.Add(typeof(ILGPU.Algorithms.XMath).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create(
            "Tests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns its result and every diagnostic of the compilation that includes its output.</summary>
    public static Run Generate(params string[] sources)
    {
        var compilation = Compilation(sources);
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult().Results.Single();
        var all = output.GetDiagnostics().Concat(generatorDiagnostics).ToImmutableArray();
        return new Run(result, all, output);
    }

    public sealed record Run(GeneratorRunResult Result, ImmutableArray<Diagnostic> Diagnostics, Compilation Output)
    {
        public string Source(string suffix) =>
            Result.GeneratedSources.Single(s => s.HintName.EndsWith(suffix, StringComparison.Ordinal)).SourceText.ToString();

        public IEnumerable<Diagnostic> Sdk => Diagnostics.Where(d => d.Id.StartsWith("SDK", StringComparison.Ordinal));

        public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

        /// <summary>Builds the generated assembly and returns the generated network type's static plan.</summary>
        public Sdk.Compiler.NetworkPlan LoadPlan(string typeName)
        {
            using var stream = new MemoryStream();
            var emit = Output.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
            var assembly = System.Reflection.Assembly.Load(stream.ToArray());
            var type = assembly.GetType(typeName, throwOnError: true)!;
            return (Sdk.Compiler.NetworkPlan)type.GetProperty("Plan")!.GetValue(null)!;
        }
    }

    /// <summary>Reads a test network from tests/Sdk.Generator.Tests/Networks.</summary>
    public static string Network(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Networks", name + ".cs"));
}
