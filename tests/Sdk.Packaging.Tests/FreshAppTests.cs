using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace Sdk.Packaging.Tests;

/// <summary>
/// The README's path for an app developer, done by a test: the three packages packed into a folder feed (a version of
/// their own, so no cached package can stand in), a console app made with <c>dotnet new console</c> outside the
/// repository, <c>dotnet add package SplitSdk</c>, a network with a cut and an ONNX model imported with the
/// <c>sdk-onnx</c> tool, <c>dotnet build</c> (the summary lines) and <c>dotnet run</c> (the ledger, the imported
/// model's outputs against ONNX Runtime); and <c>sdk-place</c> installed as a local tool and run on a placement graph.
/// The app's nuget.config adds the feed beside the machine's sources and reads the machine's package folder as a
/// fallback, so the third-party packages restore as they do for the repository.
/// </summary>
public sealed class FreshAppTests(ITestOutputHelper output) : IDisposable
{
    private const string Network = """
        using System;
        using System.Globalization;
        using System.Linq;
        using Sdk;
        using Sdk.Runtime;
        using Sdk.Runtime.Weights;

        var images = Enumerable.Range(0, 2 * 1 * 8 * 8).Select(i => (i % 7) / 7f).ToArray();
        using (var chips = ChipSet.Cpu(2))
        using (var model = Model.Create(new TinyNet(), chips))
        {
            model.Run(images, batch: 2);
            Console.WriteLine(model.Ledger.ToMarkdown());
        }

        var imported = new App.Imported();
        imported.Parameters.Load("Imported.safetensors");
        var input = Enumerable.Range(0, 2 * 3 * 16 * 16).Select(i => ((i % 13) / 13f) - 0.5f).ToArray();
        using (var chips = ChipSet.Cpu(2))
        using (var model = Model.Create(imported, chips))
        {
            Console.WriteLine("imported: " + string.Join(" ", model.Run(input, batch: 2).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }

        [Network(InputShape = new[] { 1, 8, 8 })]
        public partial class TinyNet
        {
            [OnChip(0), Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Conv1 { get; }
            [MaxPool(2)] public partial Layer Pool1 { get; }
            [OnChip(1), Dense(10)] public partial Layer Logits { get; }
        }

        // Placed by the compiler at build time: the generator loads the placement solver from the package.
        [Network(InputShape = new[] { 1, 8, 8 }, Placement = PlacementMode.Auto)]
        [Chip(0, Gflops = 10), Chip(1, Gflops = 10)]
        [Link(0, 1, GigabytesPerSecond = 1)]
        public partial class AutoNet
        {
            [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.Relu)] public partial Layer Conv1 { get; }
            [MaxPool(2)] public partial Layer Pool1 { get; }
            [Dense(10)] public partial Layer Logits { get; }
        }
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "splitsdk-app-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..12];

    private static string Repo { get; } = FindRepo();

    private static string Configuration =>
        typeof(FreshAppTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    [Fact]
    public void A_fresh_console_app_builds_and_runs_a_split_network_from_the_packages_and_the_tools_run()
    {
        var feed = Path.Combine(_root, "feed");
        foreach (var project in new[] { "Sdk.Runtime", "Sdk.Placement.Cli", "Sdk.Onnx.Cli", "Sdk.Runtime.Remote", "Sdk.Chip.Host" })
        {
            Dotnet(Repo, $"pack src/{project}/{project}.csproj -c {Configuration} --no-build -o \"{feed}\" -p:PackageVersion={_version}");
        }

        Assert.Equal(
            new[] { "SplitSdk", "SplitSdk.Chip", "SplitSdk.Onnx", "SplitSdk.Place", "SplitSdk.Remote" }.Select(id => $"{id}.{_version}.nupkg"),
            Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        CheckPackages(feed);
        File.WriteAllText(Path.Combine(_root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="splitsdk-test-feed" value="{feed}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(_root, "packages")}" />
              </config>
              <fallbackPackageFolders>
                <add key="machine" value="{MachinePackages()}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        // The tools, from the same feed, in a local tool manifest.
        Dotnet(_root, "new tool-manifest");
        Dotnet(_root, $"tool install SplitSdk.Place --version {_version}");
        Dotnet(_root, $"tool install SplitSdk.Onnx --version {_version}");
        var graph = Path.Combine(Repo, "tests", "Sdk.Placement.Tests", "Data", "LayerGraphs_bert24_inference.json");
        var placed = Dotnet(_root, $"tool run sdk-place \"{graph}\" -k 2 --json");
        Assert.Contains("\"maxLoad\"", placed);

        // The app: dotnet new console, dotnet add package, a network and an imported model.
        var app = Path.Combine(_root, "App");
        Dotnet(_root, "new console -o App --no-restore");
        Dotnet(app, $"add package SplitSdk --version {_version}");
        File.WriteAllText(Path.Combine(app, "Program.cs"), Network);
        var model = Path.Combine(Repo, "tests", "Sdk.Runtime.Tests", "Data", "onnx", "residual.onnx");
        Assert.Contains("wrote ", Dotnet(app, $"tool run sdk-onnx import \"{model}\" --class Imported --namespace App --chips 2"));

        var build = Dotnet(app, "build");
        Assert.Contains("SplitSdk: Network 'TinyNet': 3 layers on 2 chips, 1 cuts, 256 B/sample forward, 512 B/sample in training -> obj/splitsdk/TinyNet.md", build);
        Assert.Contains("SplitSdk: Network 'Imported': 12 layers on 2 chips, 2 cuts, ", build);
        Assert.Contains("SplitSdk: Network 'AutoNet': 3 layers on 2 chips, ", build);
        Assert.StartsWith("# Traffic report: TinyNet", File.ReadAllText(Path.Combine(app, "obj", "splitsdk", "TinyNet.md")));
        Assert.StartsWith("{", File.ReadAllText(Path.Combine(app, "obj", "splitsdk", "App.Imported.json")));
        Assert.Contains("SplitSdk: Network 'TinyNet'", Dotnet(app, "build"));   // an up-to-date build prints it too

        var run = Dotnet(app, "run --no-build");
        Assert.Contains("| 0 | Pool1 → Logits | 0 → 1 | Float32 | 512 | 512 | 0 | 0 | yes |", run);
        var imported = run.Split('\n').Single(l => l.StartsWith("imported: ", StringComparison.Ordinal))["imported: ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var expected = OnnxRuntime(model, Enumerable.Range(0, 2 * 3 * 16 * 16).Select(i => ((i % 13) / 13f) - 0.5f).ToArray());
        Assert.Equal(expected.Length, imported.Length);
        var error = expected.Zip(imported, (e, a) => Math.Abs(e - a) / Math.Max(1, Math.Abs(e))).Max();
        output.WriteLine($"imported model vs ONNX Runtime: max relative error {error:E2}");
        Assert.True(error <= 1e-4, $"max relative error {error:E2}");

        Dotnet(app, "build -p:SplitSdkReport=false", mustNotContain: "SplitSdk: Network");
    }

    /// <summary>What each package holds and says: one reference brings everything, dependencies are the third-party packages only.</summary>
    private void CheckPackages(string feed)
    {
        using (var sdk = ZipFile.OpenRead(Path.Combine(feed, $"SplitSdk.{_version}.nupkg")))
        {
            var entries = sdk.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Superset(
                new HashSet<string>
                {
                    "README.md", "buildTransitive/SplitSdk.targets", "tools/report/SplitSdk.Report.dll", "tools/report/SplitSdk.Report.runtimeconfig.json",
                    "lib/net10.0/Sdk.Runtime.dll", "lib/net10.0/Sdk.Compiler.dll", "lib/net10.0/Sdk.Attributes.dll", "lib/net10.0/Sdk.Compiler.xml",
                    "lib/net10.0/Sdk.Placement.dll",   // the core's automatic placement, at run time (plan variants) ...
                    "analyzers/dotnet/cs/Sdk.Generator.dll", "analyzers/dotnet/cs/Sdk.Compiler.dll", "analyzers/dotnet/cs/Sdk.Attributes.dll",
                    "analyzers/dotnet/cs/Sdk.Placement.dll",   // ... and at build time ([Network(Placement = PlacementMode.Auto)])
                },
                entries);
            Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.Ordinal));   // symbols go to the .snupkg
            var nuspec = XDocument.Load(sdk.GetEntry("SplitSdk.nuspec")!.Open());
            string Field(string name) => nuspec.Descendants().Single(e => e.Name.LocalName == name).Value;
            Assert.Equal("MIT", Field("license"));
            Assert.Equal("README.md", Field("readme"));
            Assert.Equal("https://github.com/splitsdk/splitsdk", nuspec.Descendants().Single(e => e.Name.LocalName == "repository").Attribute("url")!.Value);
            Assert.Equal(
                ["Google.Protobuf", "ILGPU", "ILGPU.Algorithms", "System.Numerics.Tensors"],
                nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).Order(StringComparer.Ordinal));
        }

        using (var remote = ZipFile.OpenRead(Path.Combine(feed, $"SplitSdk.Remote.{_version}.nupkg")))
        {
            // The caller's side of remote chips: its own assembly, and SplitSdk whole (generator and build report too).
            Assert.Contains(remote.Entries, e => e.FullName == "lib/net10.0/Sdk.Runtime.Remote.dll");
            Assert.DoesNotContain(remote.Entries, e => e.FullName.EndsWith("Sdk.Compiler.dll", StringComparison.Ordinal));
            var dependencies = XDocument.Load(remote.GetEntry("SplitSdk.Remote.nuspec")!.Open()).Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
            Assert.Equal(["Google.Protobuf", "Grpc.Net.Client", "SplitSdk"], dependencies.Select(e => e.Attribute("id")!.Value).Order(StringComparer.Ordinal));
            var sdk = dependencies.Single(e => e.Attribute("id")!.Value == "SplitSdk");
            Assert.Equal((_version, "All"), (sdk.Attribute("version")!.Value, sdk.Attribute("include")!.Value));
        }

        foreach (var tool in new[] { "SplitSdk.Place", "SplitSdk.Onnx", "SplitSdk.Chip" })
        {
            using var package = ZipFile.OpenRead(Path.Combine(feed, $"{tool}.{_version}.nupkg"));
            var nuspec = XDocument.Load(package.GetEntry(tool + ".nuspec")!.Open());
            Assert.Equal("DotnetTool", nuspec.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name")!.Value);
            Assert.Contains(package.Entries, e => e.FullName == "README.md");
        }

        Assert.True(File.Exists(Path.Combine(feed, $"SplitSdk.{_version}.snupkg")));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static float[] OnnxRuntime(string model, float[] input)
    {
        using var session = new InferenceSession(model);
        var feed = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, [2, 3, 16, 16])) };
        using var results = session.Run(feed);
        return results.First().AsTensor<float>().ToArray();
    }

    /// <summary>Where this machine's restores put packages (the repository's build has filled it).</summary>
    private string MachinePackages()
    {
        var line = Dotnet(Repo, "nuget locals global-packages --list").Trim();
        return line[(line.IndexOf(':') + 1)..].Trim();
    }

    private string Dotnet(string directory, string arguments, string? mustNotContain = null)
    {
        var msbuild = arguments.StartsWith("build", StringComparison.Ordinal) || arguments.StartsWith("pack", StringComparison.Ordinal);
        var start = new ProcessStartInfo("dotnet", arguments + (msbuild ? " -nodeReuse:false --disable-build-servers" : ""))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (directory != Repo)
        {
            start.Environment.Remove("NUGET_PACKAGES");   // the app's nuget.config says where its packages go
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var text = stdout + stderr.Result;
        output.WriteLine($"$ dotnet {arguments}  (in {directory})\n{text}");
        Assert.True(process.ExitCode == 0, $"dotnet {arguments} exited {process.ExitCode}:\n{text}");
        if (mustNotContain is not null)
        {
            Assert.DoesNotContain(mustNotContain, text);
        }

        return text;
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Sdk.sln not found above " + AppContext.BaseDirectory);
    }
}
