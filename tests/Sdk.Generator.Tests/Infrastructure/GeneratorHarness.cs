using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Sdk.Generator;
using Sdk.Runtime;
using RuntimeModel = Sdk.Runtime.Model;

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

    /// <summary>
    /// A compilation without sources: every test's compilation is derived from it, so the referenced assemblies'
    /// symbols are loaded once per process instead of once per source (the fuzz test compiles over a thousand).
    /// Every warning wave is on, as in a .NET 10 project (CS8981 on lower-case type names, say).
    /// </summary>
    private static readonly Lazy<CSharpCompilation> Empty = new(() => CSharpCompilation.Create(
        "Tests",
        null,
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999)));

    public static CSharpCompilation Compilation(params string[] sources) =>
        Empty.Value.AddSyntaxTrees(sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")));

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
        public Sdk.Compiler.NetworkPlan LoadPlan(string typeName) =>
            LoadedNetwork.PlanOf(Load().GetType(typeName, throwOnError: true)!);

        /// <summary>Builds the generated assembly and creates an instance of every network class in it (each with its parameters).</summary>
        public IReadOnlyList<LoadedNetwork> LoadNetworks() =>
            Load().GetTypes()
                .Where(t => typeof(INetwork).IsAssignableFrom(t) && !t.IsAbstract && !t.ContainsGenericParameters)
                .Select(t => new LoadedNetwork(t, (INetwork)Activator.CreateInstance(t, nonPublic: true)!))
                .ToList();

        private Assembly Load()
        {
            using var stream = new MemoryStream();
            var emit = Output.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
            return Assembly.Load(stream.ToArray());
        }
    }

    /// <summary>An instance of a generated network class, loaded from an in-memory build.</summary>
    public sealed record LoadedNetwork(Type Type, INetwork Instance)
    {
        public NetworkPlan Plan => PlanOf(Type);

        public ParameterSet Parameters => Instance.Parameters;

        /// <summary><c>Model.Create(network, chips)</c>, as a program that names the class would call it.</summary>
        public RuntimeModel CreateModel(ChipSet chips)
        {
            var create = typeof(RuntimeModel).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Single(m => m.Name == nameof(RuntimeModel.Create) && m.IsGenericMethodDefinition)
                .MakeGenericMethod(Type);
            return (RuntimeModel)create.Invoke(null, BindingFlags.DoNotWrapExceptions, null, new object?[] { Instance, chips, NanPolicy.Propagate }, null)!;
        }

        internal static NetworkPlan PlanOf(Type type) =>
            (NetworkPlan)type.GetProperty("Plan", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    /// <summary>Reads a test network from tests/Sdk.Generator.Tests/Networks.</summary>
    public static string Network(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Networks", name + ".cs"));
}
