using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sdk.Generator.Tests.Fuzz;

/// <summary>
/// Random valid networks: tiny shapes, every layer kind, skip edges, chips, links, bottlenecks and wire formats,
/// sometimes automatic placement. Each layer is chosen among those whose rules the current shape meets, so most
/// compile; they are the seeds the fuzzer mutates besides the checked-in networks, and the ones the runtime
/// sample runs on CPU chips.
/// </summary>
internal static class RandomNetworks
{
    private sealed record Node(string Name, int[] Shape, int Chip);

    public static string Create(Random r, string className, int layerCount = 0)
    {
        var image = r.Next(3) > 0;
        var input = image ? new[] { r.Next(1, 5), r.Next(2, 11), r.Next(2, 11) } : new[] { r.Next(1, 17) };
        var chipCount = r.Next(4) == 0 ? 1 : r.Next(1, 4);
        var declareChips = r.Next(2) == 0;
        var auto = declareChips && chipCount > 1 && r.Next(6) == 0;
        var count = layerCount > 0 ? layerCount : r.Next(1, 9);

        var text = new StringBuilder();
        text.Append("using Sdk;\n\n");
        if (r.Next(2) == 0)
        {
            text.Append("namespace Fuzz.Generated;\n\n");
        }

        text.Append($"[Network(InputShape = new[] {{ {string.Join(", ", input)} }}{(auto ? ", Placement = PlacementMode.Auto" : string.Empty)})]\n");
        if (declareChips)
        {
            for (var c = 0; c < chipCount; c++)
            {
                var memory = r.Next(4) == 0 ? $", MemoryKiB = {r.Next(64, 4096)}" : string.Empty;
                text.Append($"[Chip({c}, Name = \"npu{c}\", Gflops = {Num(r.Next(1, 100) / 4.0)}{memory})]\n");
            }
        }

        if (chipCount > 1 && r.Next(2) == 0)
        {
            for (var c = 0; c + 1 < chipCount; c++)
            {
                text.Append($"[Link({c}, {c + 1}, GigabytesPerSecond = {Num(r.Next(1, 40) / 4.0)}, LatencyMicroseconds = {r.Next(0, 5)})]\n");
            }
        }

        text.Append($"public partial class {className}\n{{\n");
        var nodes = new List<Node>();
        var shape = input;
        var chip = 0;
        for (var i = 0; i < count; i++)
        {
            var name = $"L{i}";
            var annotations = new List<string>();
            var source = nodes.Count > 0 && r.Next(5) == 0 ? nodes[r.Next(nodes.Count)] : null;
            var x = source?.Shape ?? shape;
            var readChip = source?.Chip ?? (nodes.Count > 0 ? nodes[^1].Chip : -1);
            if (chipCount > 1 && (i == 0 ? r.Next(3) == 0 : r.Next(4) == 0))
            {
                chip = r.Next(chipCount);
                annotations.Add($"OnChip({chip})");
            }

            var (attribute, output) = Layer(r, x, nodes, source);
            if (readChip >= 0 && readChip != chip)
            {
                if (r.Next(3) == 0)
                {
                    annotations.Add($"Bottleneck(Ratio = {r.Next(1, 5)})");
                }

                if (r.Next(3) == 0)
                {
                    annotations.Add($"Transfer(Format = WireFormat.{(WireFormat)r.Next(4)})");
                }
            }

            annotations.Add(attribute);
            text.Append($"    [{string.Join(", ", annotations)}] public partial Layer {name} {{ get; }}\n");
            nodes.Add(new Node(name, output, chip));
            shape = output;
        }

        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>A layer attribute that fits <paramref name="x"/>, and its output shape.</summary>
    private static (string Attribute, int[] Output) Layer(Random r, int[] x, List<Node> nodes, Node? source)
    {
        var input = source is null ? string.Empty : $"Input = nameof({source.Name})";
        string With(string attribute, params string[] named)
        {
            var all = named.Where(n => n.Length > 0).Append(input).Where(n => n.Length > 0).ToList();
            if (all.Count == 0)
            {
                return attribute;
            }

            var open = attribute.IndexOf('(', StringComparison.Ordinal);
            return open < 0
                ? $"{attribute}({string.Join(", ", all)})"
                : $"{attribute.Substring(0, attribute.Length - 1)}, {string.Join(", ", all)})";
        }

        var activation = r.Next(3) == 0 ? $"Activation = Activation.{(Activation)r.Next(6)}" : string.Empty;
        for (var attempt = 0; ; attempt++)
        {
            var choice = attempt > 20 ? 0 : r.Next(13);
            switch (choice)
            {
                case 0:
                {
                    var units = r.Next(1, 13);
                    return (With($"Dense({units})", r.Next(4) == 0 ? "Bias = false" : string.Empty, activation), new[] { units });
                }

                case 1 when x.Length == 3:
                {
                    var filters = r.Next(1, 7);
                    var kernel = r.Next(1, 4);
                    var stride = r.Next(1, 3);
                    var dilation = r.Next(4) == 0 ? 2 : 1;
                    var padding = r.Next(0, kernel);
                    var groups = Divisors(Gcd(x[0], filters)).OrderBy(_ => r.Next()).First();
                    var h = Window(x[1], kernel, stride, padding, dilation);
                    var w = Window(x[2], kernel, stride, padding, dilation);
                    if (h < 1 || w < 1)
                    {
                        continue;
                    }

                    return (With($"Conv2D({filters})", $"Kernel = {kernel}", stride > 1 ? $"Stride = {stride}" : string.Empty, padding > 0 ? $"Padding = {padding}" : string.Empty,
                        dilation > 1 ? $"Dilation = {dilation}" : string.Empty, groups > 1 ? $"Groups = {groups}" : string.Empty, r.Next(4) == 0 ? "Bias = false" : string.Empty, activation),
                        new[] { filters, h, w });
                }

                case 2 when x.Length == 3:
                {
                    var size = r.Next(1, 4);
                    var stride = r.Next(0, 3);
                    var padding = r.Next(0, (size / 2) + 1);
                    var step = stride == 0 ? size : stride;
                    var h = Window(x[1], size, step, padding, 1);
                    var w = Window(x[2], size, step, padding, 1);
                    if (h < 1 || w < 1)
                    {
                        continue;
                    }

                    var kind = r.Next(2) == 0 ? "MaxPool" : "AvgPool";
                    return (With($"{kind}({size})", stride > 0 ? $"Stride = {stride}" : string.Empty, padding > 0 ? $"Padding = {padding}" : string.Empty), new[] { x[0], h, w });
                }

                case 3 when x.Length == 3:
                    return (With("GlobalAvgPool"), new[] { x[0], 1, 1 });
                case 4:
                    return (With("BatchNorm", r.Next(3) == 0 ? $"Epsilon = {Num(Math.Pow(10, -r.Next(1, 9)))}" : string.Empty, activation), x);
                case 5:
                    return (With("Flatten"), new[] { x.Aggregate(1, (a, b) => a * b) });
                case 6:
                    return (With("Softmax"), x);
                case 7:
                    return (With($"Activate(Activation.{(Activation)r.Next(6)})"), x);
                case 8:
                    return (With($"Dropout({Num(r.Next(0, 9) / 10.0)})"), x);
                case 9:
                case 10:
                {
                    // Add or Concat of the layer read and an earlier layer that fits it.
                    var add = choice == 9;
                    var partners = nodes.Where(n => add ? n.Shape.SequenceEqual(x) : n.Shape.Length == x.Length && n.Shape.Skip(1).SequenceEqual(x.Skip(1))).ToList();
                    if (partners.Count == 0)
                    {
                        continue;
                    }

                    var partner = partners[r.Next(partners.Count)];
                    var output = add ? x : new[] { x[0] + partner.Shape[0] }.Concat(x.Skip(1)).ToArray();
                    return (With($"{(add ? "Add" : "Concat")}(nameof({partner.Name}))", add ? activation : string.Empty), output);
                }

                default:
                    continue;
            }
        }
    }

    private static int Window(int n, int kernel, int stride, int padding, int dilation)
    {
        var span = n + (2 * padding) - (dilation * (kernel - 1)) - 1;
        return span < 0 ? 0 : (span / stride) + 1;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static IEnumerable<int> Divisors(int n) => Enumerable.Range(1, n).Where(d => n % d == 0);

    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
