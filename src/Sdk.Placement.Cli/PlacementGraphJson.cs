using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Sdk.Placement;

namespace Sdk.Placement.Cli;

/// <summary>
/// Reads the input format of the reference implementation (msr-fiddle/dnn-partitioning): maxSizePerFPGA, maxFPGAs,
/// maxCPUs, nodes[] (id, cpuLatency, fpgaLatency, size, supportedOnFpga, isBackwardNode, colorClass) and edges[]
/// (sourceId, destId, cost). Booleans may be true/false or 0/1; size and colorClass are optional; other fields
/// (name, layerId, an edge's size) are ignored. "FPGA" there means any accelerator.
/// </summary>
public static class PlacementGraphJson
{
    /// <exception cref="PlacementInputException">Unreadable, malformed or invalid; the message names file and item.</exception>
    public static PlacementProblem ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PlacementInputException($"{path}: cannot read the file: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <param name="json">The document.</param>
    /// <param name="sourceName">Used as the prefix of every error message (usually the file path).</param>
    public static PlacementProblem Parse(string json, string sourceName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PlacementInputException($"{sourceName}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }

        using (document)
        {
            var problem = ReadProblem(new JsonFields(document.RootElement, sourceName, "the document"));
            try
            {
                PlacementProblemValidator.Validate(problem);
            }
            catch (PlacementValidationException e)
            {
                throw new PlacementInputException($"{sourceName}: {e.Message}", e);
            }

            return problem;
        }
    }

    private static PlacementProblem ReadProblem(JsonFields root)
    {
        var maxMemory = root.Number("maxSizePerFPGA", double.MaxValue);
        var accelerators = root.Integer("maxFPGAs", 0, PlacementProblem.MaxDevices);
        var cpus = root.Integer("maxCPUs", 0, PlacementProblem.MaxDevices);
        var nodes = new List<PlacementNode>();
        var nodeArray = root.Array("nodes", PlacementProblem.MaxNodes);
        for (var i = 0; i < nodeArray.Count; i++)
        {
            nodes.Add(ReadNode(root.Item(nodeArray[i], $"node #{i}")));
        }

        var edges = new List<PlacementEdge>();
        var edgeArray = root.Array("edges", PlacementProblem.MaxEdges);
        for (var i = 0; i < edgeArray.Count; i++)
        {
            edges.Add(ReadEdge(root.Item(edgeArray[i], $"edge #{i}")));
        }

        return new PlacementProblem(nodes, edges, accelerators, cpus, maxMemory);
    }

    private static PlacementNode ReadNode(JsonFields node)
    {
        var id = node.Integer("id");
        node = node.Renamed($"{node.Context} (id {id.ToString(CultureInfo.InvariantCulture)})");
        return new PlacementNode(
            id,
            CpuLatency: node.Number("cpuLatency", PlacementProblem.MaxValue),
            AcceleratorLatency: node.Number("fpgaLatency", PlacementProblem.MaxValue),
            Size: node.OptionalNumber("size", PlacementProblem.MaxValue) ?? 0.0,
            SupportedOnAccelerator: node.Boolean("supportedOnFpga"),
            IsBackward: node.Boolean("isBackwardNode"),
            ColorClass: node.OptionalInteger("colorClass"));
    }

    private static PlacementEdge ReadEdge(JsonFields edge)
    {
        var source = edge.Integer("sourceId");
        var dest = edge.Integer("destId");
        edge = edge.Renamed($"{edge.Context} ({source.ToString(CultureInfo.InvariantCulture)} -> {dest.ToString(CultureInfo.InvariantCulture)})");
        return new PlacementEdge(source, dest, edge.Number("cost", PlacementProblem.MaxValue));
    }
}
