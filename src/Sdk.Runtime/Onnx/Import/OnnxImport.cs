using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// An imported ONNX model: the network as a spec (compile it, or run <see cref="Plan"/> directly), its parameters
    /// under the plan's names, and the layers as C# attributes (<see cref="ToCSharp"/> writes the annotated class).
    /// </summary>
    public sealed class OnnxImport
    {
        internal OnnxImport(NetworkSpec spec, ParameterSet parameters, IReadOnlyList<ImportedLayer> layers, string source)
        {
            Spec = spec;
            Parameters = parameters;
            Layers = layers;
            Source = source;
        }

        /// <summary>What the network says; <c>NetworkPlan.Compile(Spec)</c> is <see cref="Plan"/>.</summary>
        public NetworkSpec Spec { get; }

        /// <summary>The model's weights as the plan's tensors (<c>Conv1.weight</c>, ...): BatchNorms folded where they could be.</summary>
        public ParameterSet Parameters { get; }

        /// <summary>The compiled plan (placed, for automatic placement).</summary>
        public NetworkPlan Plan => Parameters.Plan;

        /// <summary>The layers in declaration order, as attributes.</summary>
        public IReadOnlyList<ImportedLayer> Layers { get; }

        /// <summary>The file (or description) the model was read from.</summary>
        public string Source { get; }

        /// <summary>
        /// The network as an annotated <c>partial class</c> named like the network, one attribute line per layer; its
        /// weights are <see cref="Parameters"/> saved as safetensors (<c>weightsFile</c> is named in its comment).
        /// </summary>
        public string ToCSharp(string? @namespace = null, string? weightsFile = null)
        {
            var cs = new StringBuilder();
            cs.Append("// Imported from ONNX '").Append(System.IO.Path.GetFileName(Source)).Append("' by sdk-onnx.");
            if (weightsFile is not null)
            {
                cs.Append(" Weights: new ").Append(Spec.Name).Append("().Parameters.Load(\"").Append(weightsFile).Append("\").");
            }

            cs.Append("\nusing Sdk;\n\n");
            if (!string.IsNullOrEmpty(@namespace))
            {
                cs.Append("namespace ").Append(@namespace).Append(";\n\n");
            }

            cs.Append("[Network(InputShape = new[] { ").Append(string.Join(", ", Spec.InputShape)).Append(" }")
              .Append(Spec.Placement == PlacementMode.Auto ? ", Placement = PlacementMode.Auto" : "").Append(")]\n");
            foreach (var chip in Spec.Chips)
            {
                cs.Append("[Chip(").Append(chip.Id).Append(Named("Gflops", chip.Gflops)).Append(Named("MemoryKiB", chip.MemoryKiB)).Append(")]\n");
            }

            foreach (var link in Spec.Links)
            {
                cs.Append("[Link(").Append(link.ChipA).Append(", ").Append(link.ChipB).Append(Named("GigabytesPerSecond", link.GigabytesPerSecond)).Append(")]\n");
            }

            cs.Append("public partial class ").Append(Spec.Name).Append("\n{\n");
            for (var i = 0; i < Layers.Count; i++)
            {
                var chip = Spec.Layers[i].OnChip is { } c ? $"OnChip({c}), " : "";
                cs.Append("    [").Append(chip).Append(Layers[i].ToCSharp()).Append("] // ").Append(Layers[i].OnnxNode).Append('\n')
                  .Append("    public partial Layer ").Append(Layers[i].Name).Append(" { get; }\n");
                if (i < Layers.Count - 1)
                {
                    cs.Append('\n');
                }
            }

            return cs.Append("}\n").ToString();
        }

        private static string Named(string name, double value) =>
            value == 0 ? "" : $", {name} = {value.ToString("R", CultureInfo.InvariantCulture)}";
    }
}
