
using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Sdk.Placement.Cli;
using Sdk.Placement;

namespace Sdk.Benchmarks;

/// <summary>
/// Exact placement of the four reference graphs (parsing excluded). Run with
/// <c>dotnet run -c Release --project benchmarks/Sdk.Benchmarks -- --filter '*Placement*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class PlacementBenchmarks
{
    private PlacementProblem problem = null!;

    // Short names so that the summary table does not truncate them; the files carry a LayerGraphs_ or
    // OperatorGraphs_ prefix.
    [Params("bert24_inference", "bert24_training", "gnmt_inference", "bert_l-3_inference")]
    public string Graph { get; set; } = "";

    [GlobalSetup]
    public void Load() => problem = PlacementGraphJson.ReadFile(FindGraph(Graph));

    [Benchmark]
    public double Solve()
    {
        var result = PlacementSolver.Solve(problem);
        if (result.Status != PlacementStatus.Optimal)
        {
            throw new InvalidOperationException($"{Graph}: expected an optimal placement, got {result.Describe()}");
        }

        return result.MaxLoad;
    }

    // BenchmarkDotNet runs a generated copy under bin/, so walk up to the repository's copy or the shared folder.
    private static string FindGraph(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var folder in new[] { Path.Combine("tests", "Sdk.Placement.Tests", "Data"), Path.Combine("shared", "data", "placement") })
            {
                foreach (var prefix in new[] { "LayerGraphs_", "OperatorGraphs_" })
                {
                    var path = Path.Combine(dir.FullName, folder, prefix + name + ".json");
                    if (File.Exists(path))
                    {
                        return path;
                    }
                }
            }
        }

        throw new FileNotFoundException($"placement graph {name} not found above {AppContext.BaseDirectory}");
    }
}
