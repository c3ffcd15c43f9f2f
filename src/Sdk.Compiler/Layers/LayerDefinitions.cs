using System;
using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary>The table of layer kinds: one <see cref="LayerDefinition"/> per <see cref="LayerKind"/>.</summary>
public static class LayerDefinitions
{
    private static readonly LayerDefinition[] ByKind = Table(
        new Conv2D(), new Dense(), new MaxPool(), new AvgPool(), new GlobalAvgPool(), new BatchNorm(), new Flatten(),
        new Softmax(), new ActivationLayer(), new Add(), new Concat(), new Dropout(), new BottleneckEncoder(), new BottleneckDecoder());

    /// <summary>Every definition, in <see cref="LayerKind"/> order.</summary>
    public static IReadOnlyList<LayerDefinition> All => ByKind;

    public static LayerDefinition Of(LayerKind kind) => ByKind[(int)kind];

    /// <summary>The kind users declare with attribute <paramref name="attributeName"/> (without "Attribute"), or null.</summary>
    public static LayerDefinition? ByAttribute(string attributeName)
    {
        foreach (var definition in ByKind)
        {
            if (definition.AttributeName == attributeName)
            {
                return definition;
            }
        }

        return null;
    }

    private static LayerDefinition[] Table(params LayerDefinition[] definitions)
    {
        var table = new LayerDefinition[Enum.GetValues(typeof(LayerKind)).Length];
        foreach (var definition in definitions)
        {
            table[(int)definition.Kind] = definition;
        }

        return table;
    }
}
