using Sdk.Placement.Cli;

namespace Sdk.Placement.Tests;

/// <summary>Reading the reference format: every error names the file and the node, edge or field at fault.</summary>
public class GraphJsonTests
{
    private const string Valid = """
        {
          "maxSizePerFPGA": 100.0, "maxFPGAs": 2, "maxCPUs": 1,
          "nodes": [
            { "id": 7, "cpuLatency": 4.0, "fpgaLatency": 1.0, "size": 10.0, "supportedOnFpga": 1, "isBackwardNode": 0, "colorClass": 7, "name": "conv" },
            { "id": 8, "cpuLatency": 6.0, "fpgaLatency": 2.0, "supportedOnFpga": true, "isBackwardNode": false }
          ],
          "edges": [ { "sourceId": 7, "destId": 8, "cost": 0.5, "size": 123 } ]
        }
        """;

    [Fact]
    public void ReadsTheReferenceFormat()
    {
        var problem = PlacementGraphJson.Parse(Valid, "g.json");

        Assert.Equal(2, problem.Accelerators);
        Assert.Equal(1, problem.Cpus);
        Assert.Equal(100.0, problem.MaxMemoryPerAccelerator);
        Assert.Equal(7, problem.Nodes[0].ColorClass);
        Assert.Null(problem.Nodes[1].ColorClass);
        Assert.Equal(0.0, problem.Nodes[1].Size); // optional, as in the reference
        Assert.True(problem.Nodes[0].SupportedOnAccelerator);
        Assert.Equal(0.5, problem.Edges[0].Cost);
    }

    [Theory]
    [InlineData("\"cpuLatency\": 6.0, ", "", "g.json: node #1 (id 8): field 'cpuLatency' is missing")]
    [InlineData("\"supportedOnFpga\": true", "\"supportedOnFpga\": \"yes\"", "g.json: node #1 (id 8): field 'supportedOnFpga' must be true/false or 0/1, found string \"yes\"")]
    [InlineData("\"supportedOnFpga\": true", "\"supportedOnFpga\": 2", "g.json: node #1 (id 8): field 'supportedOnFpga' must be true/false or 0/1, found number 2")]
    [InlineData("{ \"id\": 8, ", "{ ", "g.json: node #1: field 'id' is missing")]
    [InlineData("\"colorClass\": 7,", "\"colorClass\": 7.5,", "g.json: node #0 (id 7): field 'colorClass' must be an integer, found number 7.5")]
    [InlineData("\"cost\": 0.5", "\"cost\": null", "g.json: edge #0 (7 -> 8): field 'cost' is missing")]
    [InlineData("\"destId\": 8", "\"destId\": 9", "g.json: edge #0 (7 -> 9): destId 9 is not a node id")]
    [InlineData("\"maxFPGAs\": 2,", "", "g.json: the document: field 'maxFPGAs' is missing")]
    [InlineData("\"maxCPUs\": 1,", "\"maxCPUs\": [1],", "g.json: the document: field 'maxCPUs' must be an integer, found array [1]")]
    [InlineData("\"edges\": [", "\"edges\": [ 3, ", "g.json: edge #0 must be a JSON object, found number 3")]
    [InlineData("\"maxFPGAs\": 2,", "\"maxFPGAs\": 5000,", "g.json: the document: field 'maxFPGAs' must be an integer between 0 and 4096, found 5000")]
    [InlineData("\"maxCPUs\": 1,", "\"maxCPUs\": -1,", "g.json: the document: field 'maxCPUs' must be an integer between 0 and 4096, found -1")]
    [InlineData("\"maxSizePerFPGA\": 100.0,", "\"maxSizePerFPGA\": -5,", "g.json: the document: field 'maxSizePerFPGA' must be a non-negative number, found number -5")]
    [InlineData("\"cpuLatency\": 6.0", "\"cpuLatency\": -6.0", "g.json: node #1 (id 8): field 'cpuLatency' must be a number between 0 and 1E+100, found number -6.0")]
    [InlineData("\"fpgaLatency\": 1.0", "\"fpgaLatency\": 1e300", "g.json: node #0 (id 7): field 'fpgaLatency' must be a number between 0 and 1E+100, found number 1e300")]
    [InlineData("\"size\": 10.0", "\"size\": 1e999", "g.json: node #0 (id 7): field 'size' must be a number between 0 and 1E+100, found number 1e999")]
    [InlineData("\"cost\": 0.5", "\"cost\": -0.5", "g.json: edge #0 (7 -> 8): field 'cost' must be a number between 0 and 1E+100, found number -0.5")]
    public void ErrorsNameTheFileAndTheItem(string replace, string with, string message)
    {
        var broken = Valid.Replace(replace, with);
        Assert.NotEqual(Valid, broken);

        var error = Assert.Throws<PlacementInputException>(() => PlacementGraphJson.Parse(broken, "g.json"));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void InvalidJsonNamesTheFileAndLine()
    {
        var error = Assert.Throws<PlacementInputException>(() => PlacementGraphJson.Parse("{\n  \"maxFPGAs\": ,\n}", "bad.json"));

        Assert.StartsWith("bad.json: not valid JSON (line 2)", error.Message);
    }

    [Fact]
    public void UnreadableFileIsNamed()
    {
        var error = Assert.Throws<PlacementInputException>(() => PlacementGraphJson.ReadFile("/nonexistent/graph.json"));

        Assert.StartsWith("/nonexistent/graph.json: cannot read the file", error.Message);
    }

    [Fact]
    public void SemanticErrorsAlsoNameTheFile()
    {
        using var file = new TempFile(Valid.Replace("\"destId\": 8", "\"destId\": 7"));

        var error = Assert.Throws<PlacementInputException>(() => PlacementGraphJson.ReadFile(file.Path));

        Assert.Equal($"{file.Path}: edge #0 (7 -> 7): self-loops are not allowed", error.Message);
    }
}
