using Sdk.Generator.Analysis;
using Sdk.Generator.Model;

namespace Sdk.Generator.Emit;

/// <summary>Emits <c>X.Layers.g.cs</c>: the bodies of the partial layer properties.</summary>
internal static class LayersEmitter
{
    public static string Emit(GeneratorOutput output)
    {
        var w = new SourceWriter();
        w.InType(output.Type, null, () =>
        {
            if (output.Plan is { } plan)
            {
                w.Line("private global::Sdk.Runtime.ParameterSet? __sdkParameters;");
                w.Line("private global::Sdk.Layer[]? __sdkLayers;");
                w.Line();
                w.Line("/// <summary>This instance's parameters, initialised from seed 0 until weights are loaded.</summary>");
                w.Line("public global::Sdk.Runtime.ParameterSet Parameters =>");
                w.Line("    global::System.Threading.LazyInitializer.EnsureInitialized(ref __sdkParameters, static () => new global::Sdk.Runtime.ParameterSet(Plan));");
                w.Line();
                w.Line("private global::Sdk.Layer __SdkLayer(int index) =>");
                w.Line("    global::System.Threading.LazyInitializer.EnsureInitialized(ref __sdkLayers, () => global::Sdk.Layer.CreateAll(Parameters))[index];");
                foreach (var property in output.Properties)
                {
                    var layer = plan.Layers[property.LayerIndex];
                    w.Line();
                    w.Line($"/// <summary>{layer.Name}: {layer.Kind} on chip {layer.Chip}, output {Shapes.Format(layer.OutputShape)}.</summary>");
                    w.Line($"{property.Accessibility} partial global::Sdk.Layer {property.Name} => __SdkLayer({property.LayerIndex});");
                }
            }
            else
            {
                // The network has SDK errors (reported on its attributes); these bodies only keep the build's
                // error list about the network, not about missing property implementations.
                foreach (var property in output.Properties)
                {
                    w.Line($"{property.Accessibility} partial global::Sdk.Layer {property.Name} => throw new global::System.InvalidOperationException({Literals.Quoted($"Network '{output.Type.Name}' did not compile; see the SDK diagnostics of the build.")});");
                }
            }
        });
        return w.ToString();
    }
}
