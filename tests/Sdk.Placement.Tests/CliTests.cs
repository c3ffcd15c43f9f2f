using System.IO;
using System.Linq;
using System.Text.Json;
using Sdk.Placement.Cli;

namespace Sdk.Placement.Tests;

public class CliTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = PlacementCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void PrintsMaxLoadPlacementAndTime()
    {
        var (exit, output, _) = Run(TestData.GraphPath("LayerGraphs_bert24_inference"));

        Assert.Equal(PlacementCli.Placed, exit);
        Assert.Contains("status:    optimal", output);
        Assert.Contains("max-load:  17.78990625", output);
        Assert.Contains("accelerator 0", output);
        Assert.Contains("nodes: ", output);
        Assert.Contains("ideals:    28", output);
        Assert.Matches(@"solve:\s+[0-9.]+ ms", output);
    }

    [Fact]
    public void JsonOutputHoldsTheWholePlacement()
    {
        var path = TestData.GraphPath("LayerGraphs_bert24_training");
        var (exit, output, _) = Run(path, "--json", "-k", "4", "--cpus", "0");

        Assert.Equal(PlacementCli.Placed, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("Optimal", root.GetProperty("status").GetString());
        Assert.Equal(4, root.GetProperty("accelerators").GetInt32());
        var devices = root.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(4, devices.Count);
        Assert.Equal(64, devices.Sum(d => d.GetProperty("nodes").GetArrayLength()));
        var maxLoad = root.GetProperty("maxLoad").GetDouble();
        Assert.Equal(maxLoad, devices.Max(d => d.GetProperty("load").GetDouble()));
        Assert.True(maxLoad >= 41.7458125); // fewer devices than the file's 6 + 1
        Assert.True(root.GetProperty("stats").GetProperty("ideals").GetInt64() > 0);
    }

    [Fact]
    public void InfeasibleExitsWithOne()
    {
        var (exit, output, _) = Run(TestData.GraphPath("LayerGraphs_bert24_inference"), "-k", "1", "-l", "0", "--max-memory", "1000");

        Assert.Equal(PlacementCli.Infeasible, exit);
        Assert.Contains("infeasible", output);
    }

    [Fact]
    public void BadFileIsReportedWithItsName()
    {
        using var file = new TempFile("""{ "maxSizePerFPGA": 1, "maxFPGAs": 1, "maxCPUs": 0, "nodes": [ { "id": 3 } ], "edges": [] }""");

        var (exit, _, error) = Run(file.Path);

        Assert.Equal(PlacementCli.BadInput, exit);
        Assert.Contains($"{file.Path}: node #0 (id 3): field 'cpuLatency' is missing", error);
    }

    [Fact]
    public void OverridesThatBreakTheMachineAreReported()
    {
        var path = TestData.GraphPath("LayerGraphs_bert24_inference");

        var (exit, _, error) = Run(path, "-k", "0", "-l", "0");

        Assert.Equal(PlacementCli.BadInput, exit);
        Assert.Contains(path, error);
        Assert.Contains("no devices", error);
    }

    [Theory]
    [InlineData("--frobnicate", "unknown option '--frobnicate'")]
    [InlineData("-k", "option '-k' needs a value")]
    [InlineData("-k x", "option '-k' needs a non-negative integer, got 'x'")]
    [InlineData("", "no graph file given")]
    public void UsageErrorsExitWithTwo(string args, string message)
    {
        var (exit, _, error) = Run(args.Split(' ', System.StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(PlacementCli.BadInput, exit);
        Assert.Contains(message, error);
        Assert.Contains("usage: sdk-place", error);
    }
}
