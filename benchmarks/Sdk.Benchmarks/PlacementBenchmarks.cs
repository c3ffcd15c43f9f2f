using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Sdk.Placement;
using Sdk.Placement.Cli;

namespace Sdk.Benchmarks;

/// <summary>
/// Exact placement of the reference graphs (parsing excluded), and of a 10^5-node chain. Run with
/// <c>dotnet run -c Release --project benchmarks/Sdk.Benchmarks -- --filter '*PlacementBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class PlacementBenchmarks
{
    private PlacementProblem problem = null!;

    // Short names so that the summary table does not truncate them; the files carry a LayerGraphs_ or
    // OperatorGraphs_ prefix. "chain_100k" is generated: 10^5 nodes in a line, 6 accelerators and a CPU.
    [Params("bert24_inference", "gnmt_inference", "bert_l-3_inference", "inceptionv3_inference", "inceptionv3_training", "bert_l-3_training", "chain_100k")]
    public string Graph { get; set; } = "";

    [GlobalSetup]
    public void Load() => problem = Graph == "chain_100k" ? Chain(100_000) : PlacementGraphJson.ReadFile(FindGraph(Graph));

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

    private static PlacementProblem Chain(int n)
    {
        var nodes = Enumerable.Range(0, n).Select(i => new PlacementNode(i, 10, 1 + (i % 3), 1)).ToList();
        var edges = Enumerable.Range(1, n - 1).Select(i => new PlacementEdge(i - 1, i, 0.1 * (i % 4))).ToList();
        return new PlacementProblem(nodes, edges, 6, 1, 1e9);
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

/// <summary>
/// The heterogeneous pipeline solver on 200 layers over 8 chips: residual blocks of three layers (the block input
/// also feeds the third), a longer skip every 12 layers, so frontiers hold 1 to 3 tensors; chip speeds 5-50 GFLOP/s,
/// links 0.5-10.5 GB/s with 2 us latency, memory twice an even share. Run with
/// <c>dotnet run -c Release --project benchmarks/Sdk.Benchmarks -- --filter '*PipelineBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private PipelineProblem problem = null!;

    [Params(0, 1, 2)]
    public int Seed { get; set; }

    [GlobalSetup]
    public void Build() => problem = Residual(200, 8, Seed);

    [Benchmark]
    public double Solve()
    {
        var result = PipelineSolver.Solve(problem);
        if (result.Status != PlacementStatus.Optimal)
        {
            throw new InvalidOperationException($"seed {Seed}: expected an optimal split, got {result.Status}");
        }

        return result.MaxLoad;
    }

    internal static PipelineProblem Residual(int layers, int chips, int seed)
    {
        var random = new Random(seed);
        var inputs = new List<IReadOnlyList<int>>();
        for (var j = 0; j < layers; j++)
        {
            var reads = new List<int> { j - 1 };
            if (j % 3 == 2 && j >= 3)
            {
                reads.Add(j - 3);
            }

            if (j % 12 == 11 && j >= 12)
            {
                reads.Add(j - 12);
            }

            inputs.Add(reads);
        }

        var flop = Enumerable.Range(0, layers).Select(_ => 1e8 * (1 + (random.NextDouble() * 9))).ToArray();
        var bytes = Enumerable.Range(0, layers).Select(_ => 4.0 * 65536 * (1 + random.Next(4))).ToArray();
        var parameters = Enumerable.Range(0, layers).Select(_ => 4e5 * (1 + random.Next(20))).ToArray();
        var speed = Enumerable.Range(0, chips).Select(_ => 1e9 * (5 + (45 * random.NextDouble()))).ToArray();
        var memory = Enumerable.Repeat(parameters.Sum() / chips * 2, chips).ToArray();
        double[,] bandwidth = new double[chips, chips], latency = new double[chips, chips];
        for (var a = 0; a < chips; a++)
        {
            for (var b = 0; b < chips; b++)
            {
                (bandwidth[a, b], latency[a, b]) = (1e9 * (0.5 + (10 * random.NextDouble())), 2e-6);
            }
        }

        return new PipelineProblem(inputs, chips, new LinkedChipCosts(inputs, flop, bytes, parameters, speed, memory, bandwidth, latency));
    }
}
