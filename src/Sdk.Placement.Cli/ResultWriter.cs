using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using Sdk.Placement;

namespace Sdk.Placement.Cli;

/// <summary>Human-readable and JSON renderings of a placement.</summary>
internal static class ResultWriter
{
    public static void WriteText(TextWriter output, string path, PlacementProblem problem, PlacementResult result)
    {
        output.WriteLine($"graph:     {path} ({problem.Nodes.Count} nodes, {problem.Edges.Count} edges)");
        output.WriteLine(
            $"machine:   {Plural(problem.Accelerators, "accelerator")}, {Plural(problem.Cpus, "CPU")}, {Format(problem.MaxMemoryPerAccelerator)} memory per accelerator");
        var units = result.Stats.UnitCount;
        if (problem.Accelerators > units || problem.Cpus > units)
        {
            output.WriteLine($"note:      only {Plural(units, "placement unit")}: at most that many devices of each kind can hold work, the rest stay empty");
        }

        output.WriteLine($"status:    {result.Describe()}");
        output.WriteLine($"max-load:  {Format(result.MaxLoad)}");
        var devices = result.Devices;
        for (var d = 0; d < devices.Count; d++)
        {
            var device = devices[d];
            if (device.NodeIds.Count == 0)
            {
                var last = d; // a run of unused devices of one kind prints as one line
                while (last + 1 < devices.Count && devices[last + 1].NodeIds.Count == 0 && devices[last + 1].Device.Kind == device.Device.Kind)
                {
                    last++;
                }

                var name = last == d ? device.Device.ToString() : $"{device.Device}..{devices[last].Device.Index}";
                output.WriteLine($"{name,-15} unused");
                d = last;
                continue;
            }

            output.WriteLine(
                $"{device.Device,-15} load {Format(device.Load)} (compute {Format(device.Compute)}, communication {Format(device.Communication)}, memory {Format(device.Memory)})");
            output.WriteLine("                nodes: " + string.Join(" ", device.NodeIds));
        }

        var stats = result.Stats;
        output.WriteLine(
            $"ideals:    {stats.IdealCountText} ({stats.UnitCount} units; {stats.MergedClasses} zero-cost classes merged, {stats.FreeGroups} free groups placed after the DP; {stats.PairsExamined} ideal pairs examined)");
        output.WriteLine($"solve:     {stats.Elapsed.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms");
    }

    public static void WriteJson(TextWriter output, string path, PlacementProblem problem, PlacementResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("graph", path);
            json.WriteNumber("accelerators", problem.Accelerators);
            json.WriteNumber("cpus", problem.Cpus);
            json.WriteNumber("maxMemoryPerAccelerator", problem.MaxMemoryPerAccelerator);
            json.WriteString("status", result.Status.ToString());
            json.WriteString("fallbackReason", result.FallbackReason.ToString());
            WriteNumberOrNull(json, "maxLoad", result.MaxLoad);
            json.WriteStartArray("devices");
            foreach (var device in result.Devices)
            {
                WriteDevice(json, device);
            }

            json.WriteEndArray();
            WriteStats(json, result.Stats);
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteDevice(Utf8JsonWriter json, DevicePlacement device)
    {
        json.WriteStartObject();
        json.WriteString("kind", device.Device.Kind == DeviceKind.Accelerator ? "accelerator" : "cpu");
        json.WriteNumber("index", device.Device.Index);
        json.WriteNumber("load", device.Load);
        json.WriteNumber("compute", device.Compute);
        json.WriteNumber("communication", device.Communication);
        json.WriteNumber("memory", device.Memory);
        json.WriteStartArray("nodes");
        foreach (var id in device.NodeIds)
        {
            json.WriteNumberValue(id);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter json, PlacementStats stats)
    {
        json.WriteStartObject("stats");
        json.WriteNumber("nodes", stats.NodeCount);
        json.WriteNumber("units", stats.UnitCount);
        json.WriteNumber("mergedClasses", stats.MergedClasses);
        json.WriteNumber("freeGroups", stats.FreeGroups);
        json.WriteNumber("ideals", stats.IdealCount);
        json.WriteNumber("idealPairsExamined", stats.PairsExamined);
        json.WriteNumber("solveMilliseconds", stats.Elapsed.TotalMilliseconds);
        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsInfinity(value) || double.IsNaN(value))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteNumber(name, value);
        }
    }

    // Byte counts print in full; latencies with ten significant digits.
    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "infinity"
        : value == System.Math.Floor(value) && System.Math.Abs(value) < 1e15 ? value.ToString("F0", CultureInfo.InvariantCulture)
        : value.ToString("G10", CultureInfo.InvariantCulture);

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
