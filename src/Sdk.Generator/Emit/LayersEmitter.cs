using System.Linq;
using Sdk.Compiler;
using Sdk.Generator.Model;

namespace Sdk.Generator.Emit;

/// <summary>Emits <c>X.Layers.g.cs</c>: the bodies of the partial layer properties and the instance's parameters.</summary>
internal static class LayersEmitter
{
    public static string Emit(NetworkInput network, NetworkPlan? plan)
    {
        var w = new SourceWriter();
        w.InType(network.Type, null, () =>
        {
            if (plan is not null)
            {
                w.Line("private global::Sdk.Runtime.ParameterSet? __SdkParameters;");
                w.Line("private global::Sdk.Layer[]? __SdkLayers;");
                w.Line();
                w.Line("/// <summary>This instance's parameters, initialised from seed 0 until weights are loaded.</summary>");
                w.Line("public global::Sdk.Runtime.ParameterSet Parameters =>");
                w.Line("    global::System.Threading.LazyInitializer.EnsureInitialized(ref __SdkParameters, static () => new global::Sdk.Runtime.ParameterSet(Plan));");
                w.Line();
                w.Line("private global::Sdk.Layer __SdkLayer(int index) =>");
                w.Line("    global::System.Threading.LazyInitializer.EnsureInitialized(ref __SdkLayers, () => global::Sdk.Layer.CreateAll(Parameters))[index];");
                foreach (var property in network.Properties)
                {
                    var name = network.Spec.Layers[property.LayerIndex].Name;
                    var layer = plan.Layers.FirstOrDefault(l => l.Name == name);
                    var copies = string.Empty;
                    if (layer is null && network.Spec.Lcp is { } lcp)
                    {
                        // Copied into every [Lcp] branch: the property is branch 0's copy.
                        layer = plan.Layer(LcpTransform.ReplicaName(0, name));
                        copies = $" Copied into {lcp.Branches} branches: this is branch 0's; the others are {string.Join(", ", Enumerable.Range(1, lcp.Branches - 1).Select(b => LcpTransform.ReplicaName(b, name)))} (Plan.Layer(name)).";
                    }

                    layer ??= plan.Layer(name);
                    w.Line();
                    w.Line($"/// <summary>{System.Security.SecurityElement.Escape(layer.Name)}: {layer.Kind} on chip {layer.Chip}, output {Shapes.Format(layer.OutputShape)}.{System.Security.SecurityElement.Escape(copies)}</summary>");
                    w.Line($"{Modifiers(property)} global::Sdk.Layer {property.Name} => __SdkLayer({layer.Index});");
                }
            }
            else
            {
                // The network has errors (reported on its attributes); these bodies keep the build's error list
                // about the network, not about missing property implementations.
                var message = Literals.Quoted($"Network '{network.Spec.Name}' did not compile; see the SDK diagnostics of the build.");
                foreach (var property in network.Properties)
                {
                    w.Line($"{Modifiers(property)} global::Sdk.Layer {property.Name} => throw new global::System.InvalidOperationException({message});");
                }
            }
        });
        return w.ToString();
    }

    private static string Modifiers(LayerProperty property) => property.Accessibility.Length == 0 ? "partial" : property.Accessibility + " partial";
}
