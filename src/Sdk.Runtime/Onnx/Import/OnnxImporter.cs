using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// Imports an ONNX model as a network: a <see cref="NetworkSpec"/> that the compiler core compiles like a declared
    /// network, and its weights as a <see cref="ParameterSet"/> of that plan. Run it at once, or write it as an
    /// annotated class (<see cref="OnnxImport.ToCSharp"/>, what <c>sdk-onnx import</c> does). See docs/onnx.md.
    /// </summary>
    /// <example>
    /// <code>
    /// var imported = OnnxImporter.Import("model.onnx", new OnnxImportOptions { Chips = OnnxChips.Even(2) });
    /// using var chips = ChipSet.Cpu(imported.Plan.Chips.Count);
    /// using var model = Model.Create(imported.Plan, imported.Parameters, chips);
    /// </code>
    /// </example>
    public static partial class OnnxImporter
    {
        /// <exception cref="OnnxFormatException">The file is not a valid ONNX model.</exception>
        /// <exception cref="OnnxImportException">A node has no SDK layer; the message names the node, the operator and the attribute.</exception>
        /// <exception cref="NetworkCompilationException">The imported network does not compile (a placement that does not fit, say).</exception>
        public static OnnxImport Import(string path, OnnxImportOptions? options = null) => Import(OnnxModel.Read(path), options, path);

        /// <inheritdoc cref="Import(string, OnnxImportOptions?)"/>
        public static OnnxImport Import(OnnxModel model, OnnxImportOptions? options = null, string source = "<memory>")
        {
            ArgumentNullException.ThrowIfNull(model);
            options ??= new OnnxImportOptions();
            if (!Identifier().IsMatch(options.Name))
            {
                throw new ArgumentException($"The network's name '{options.Name}' is not a C# identifier.");
            }

            var graph = new OnnxGraphImporter(model, source);
            graph.Run();
            var spec = Spec(options, graph);
            var parameters = new ParameterSet(NetworkPlan.Compile(spec));
            foreach (var tensor in parameters.Tensors)
            {
                graph.Tensors[tensor.Name].CopyTo(parameters[tensor.Name], 0);
            }

            return new OnnxImport(spec, parameters, graph.Layers, source);
        }

        /// <summary>The layers on their chips: contiguous runs, chips linked in a chain.</summary>
        private static NetworkSpec Spec(OnnxImportOptions options, OnnxGraphImporter graph)
        {
            var chips = options.Chips;
            var layers = graph.Layers;
            if (chips.Count > layers.Count)
            {
                throw new ArgumentException($"{chips.Count} chips for {layers.Count} layers: each chip needs at least one.");
            }

            var chipOf = chips.Mode == PlacementMode.Auto ? null : layers.Select((_, i) => i * chips.Count / layers.Count).ToArray();
            if (chips.Starts.Count > 0)
            {
                var starts = chips.Starts.Select(s => layers.ToList().FindIndex(l => l.Name == s)).ToArray();
                if (starts.Any(s => s <= 0) || starts.Zip(starts.Skip(1)).Any(p => p.First >= p.Second))
                {
                    throw new ArgumentException($"The chips' first layers ({string.Join(", ", chips.Starts)}) must be layers of the import after the first, in order: {string.Join(", ", layers.Select(l => l.Name))}.");
                }

                chipOf = layers.Select((_, i) => starts.Count(s => s <= i)).ToArray();
            }

            var specs = layers.Select((l, i) => l.ToSpec(chipOf is not null && chips.Count > 1 && (i == 0 || chipOf[i] != chipOf[i - 1]) ? chipOf[i] : null));
            return new NetworkSpec(
                options.Name,
                graph.InputShape,
                chips.Mode,
                chips.Mode == PlacementMode.Auto ? Enumerable.Range(0, chips.Count).Select(i => new ChipSpec(i, Gflops: chips.Gflops, MemoryKiB: chips.MemoryKiB)).ToEquatableArray() : EquatableArray<ChipSpec>.Empty,
                Enumerable.Range(0, chips.Count - 1).Select(i => new LinkSpec(i, i + 1, chips.LinkGigabytesPerSecond)).ToEquatableArray(),
                specs.ToEquatableArray());
        }

        [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
        private static partial Regex Identifier();
    }
}
