using System;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Sdk.Generator;

namespace Sdk.Benchmarks.Generator;

/// <summary>
/// Build-time cost of the model compiler: a 200-layer network (residual blocks over 4 chips, bottlenecks and
/// wire formats at the cuts; declared chip speeds and links, so the placement check runs too) parsed, analysed
/// and emitted by a fresh generator driver, as on a clean build.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;

    [Params(200)]
    public int Layers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Sdk.NetworkAttribute).Assembly.Location)
            .Append(typeof(Sdk.Compiler.NetworkPlan).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        _compilation = CSharpCompilation.Create(
            "Bench",
            new[] { CSharpSyntaxTree.ParseText(DeepNetwork(Layers), new CSharpParseOptions(LanguageVersion.Preview)) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        // Fail loudly if the network does not compile cleanly: a benchmark of an error path would mislead.
        var run = Generate();
        var generated = run.GetRunResult();
        var declared = DeepNetwork(Layers).Split("partial Layer").Length - 1;
        if (generated.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || generated.GeneratedTrees.Length != 7 || declared != Layers)
        {
            throw new InvalidOperationException("benchmark network did not compile: " + string.Join("\n", generated.Diagnostics));
        }
    }

    [Benchmark(Description = "parse + analyse + emit")]
    public GeneratorDriver Generate() =>
        CSharpGeneratorDriver.Create(new NetworkGenerator()).RunGenerators(_compilation);

    /// <summary>Residual blocks of 5 layers (conv, BN, conv, BN, add) over 4 chips, with a bottleneck and a Float16 cut.</summary>
    public static string DeepNetwork(int layers)
    {
        var text = new StringBuilder("using Sdk;\n[Network(InputShape = new[] { 16, 32, 32 })]\n");
        text.Append("[Chip(0, Gflops = 10)][Chip(1, Gflops = 10)][Chip(2, Gflops = 10)][Chip(3, Gflops = 10)]\n");
        text.Append("[Link(0, 1, GigabytesPerSecond = 1)][Link(1, 2, GigabytesPerSecond = 1)][Link(2, 3, GigabytesPerSecond = 1)]\n");
        text.Append("public partial class Deep\n{\n");
        text.Append("    [Conv2D(16, Padding = 1)] public partial Layer L0 { get; }\n");
        var blocks = (layers - 3) / 5;
        for (var b = 0; b < blocks; b++)
        {
            var chip = b * 4 / blocks;
            var first = b == 0 || chip != (b - 1) * 4 / blocks;
            var annotation = first && chip == 1 ? "[OnChip(1), Bottleneck(Ratio = 4)]" : first && chip == 2 ? "[OnChip(2), Transfer(Format = WireFormat.Float16)]" : first && chip == 3 ? "[OnChip(3)]" : string.Empty;
            var input = b == 0 ? "L0" : $"B{b - 1}Out";
            text.Append($"    {annotation}[Conv2D(16, Padding = 1, Bias = false)] public partial Layer B{b}C1 {{ get; }}\n");
            text.Append($"    [BatchNorm(Activation = Activation.Relu)] public partial Layer B{b}N1 {{ get; }}\n");
            text.Append($"    [Conv2D(16, Padding = 1, Bias = false)] public partial Layer B{b}C2 {{ get; }}\n");
            text.Append($"    [BatchNorm] public partial Layer B{b}N2 {{ get; }}\n");
            text.Append($"    [Add(nameof({input}), Activation = Activation.Relu)] public partial Layer B{b}Out {{ get; }}\n");
        }

        for (var extra = 3 + (5 * blocks); extra < layers; extra++)
        {
            text.Append($"    [Dropout(0.1)] public partial Layer Drop{extra} {{ get; }}\n");
        }

        text.Append("    [GlobalAvgPool] public partial Layer Pool { get; }\n");
        text.Append("    [Dense(10)] public partial Layer Logits { get; }\n}\n");
        return text.ToString();
    }
}
