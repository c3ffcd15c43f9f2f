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
    [InlineData("-k x", "option '-k' needs an integer between 0 and 4096, got 'x'")]
    [InlineData("", "no graph file given")]
    public void UsageErrorsExitWithTwo(string args, string message)
    {
        var (exit, _, error) = Run(args.Split(' ', System.StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(PlacementCli.BadInput, exit);
        Assert.Contains(message, error);
        Assert.Contains("usage: sdk-place", error);
    }

    // Every numeric option is bounded: the message names the option, the value and the limit, and nothing is solved.
    [Theory]
    [InlineData("-k 2000000000", "option '-k' needs an integer between 0 and 4096, got '2000000000'")]
    [InlineData("--accelerators -1", "option '--accelerators' needs an integer between 0 and 4096, got '-1'")]
    [InlineData("-l 4097", "option '-l' needs an integer between 0 and 4096, got '4097'")]
    [InlineData("--cpus 99999999999999999999", "option '--cpus' needs an integer between 0 and 4096, got '99999999999999999999'")]
    [InlineData("--time-limit 1e300", "option '--time-limit' needs a number of seconds between 0 and 86400, got '1e300'")]
    [InlineData("--time-limit NaN", "option '--time-limit' needs a number of seconds between 0 and 86400, got 'NaN'")]
    [InlineData("--max-memory -1", "option '--max-memory' needs a non-negative number of bytes, got '-1'")]
    [InlineData("--max-memory Infinity", "option '--max-memory' needs a non-negative number of bytes, got 'Infinity'")]
    [InlineData("--max-ideals 1e3", "option '--max-ideals' needs an integer between 0 and 1000000000000, got '1e3'")]
    [InlineData("--max-pairs 1000000000001", "option '--max-pairs' needs an integer between 0 and 1000000000000, got '1000000000001'")]
    public void OutOfRangeOptionsExitWithTwo(string options, string message)
    {
        var args = new[] { TestData.GraphPath("LayerGraphs_bert24_inference") }.Concat(options.Split(' ')).ToArray();

        var (exit, output, error) = Run(args);

        Assert.Equal(PlacementCli.BadInput, exit);
        Assert.Contains("sdk-place: " + message, error);
        Assert.Empty(output);
    }

    [Fact]
    public void MoreDevicesThanNodesAreClampedAndSaidSo()
    {
        var (exit, output, _) = Run(TestData.GraphPath("LayerGraphs_bert24_inference"), "-k", "4096", "-l", "4096");

        Assert.Equal(PlacementCli.Placed, exit);
        Assert.Contains("note:      only 27 placement units: at most that many devices of each kind can hold work", output);
        Assert.Contains("status:    optimal", output);
        Assert.Matches(@"accelerator \d+\.\.4095 +unused", output); // a run of unused devices is one line
        Assert.Matches(@"cpu \d+\.\.4095 +unused", output);
    }

    [Fact]
    public void DeterministicBudgetOptionsReachTheSolver()
    {
        var (exit, output, _) = Run(TestData.GraphPath("OperatorGraphs_bert_l-3_inference"), "--max-pairs", "10");

        Assert.Equal(PlacementCli.Placed, exit);
        Assert.Contains("fallback: effort limit reached", output);
    }
}
