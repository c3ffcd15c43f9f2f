using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Sdk.Runtime.Onnx
{
    /// <summary>
    /// One imported layer as its attribute reads in C#: the attribute (<c>Conv2D</c>), its constructor arguments and
    /// its named arguments. The spec is made from it by the layer kind's own <see cref="LayerDefinition.Read"/> (what
    /// the generator does with the attribute in source), and the C# class is it written out, so the network that
    /// runs at import time and the one the generated class compiles to cannot differ.
    /// </summary>
    public sealed class ImportedLayer
    {
        private readonly List<object> _positional;
        private readonly List<KeyValuePair<string, object>> _named = new();

        internal ImportedLayer(string name, LayerKind kind, string onnxNode, params object[] positional)
        {
            Name = name;
            Kind = kind;
            OnnxNode = onnxNode;
            _positional = positional.ToList();
        }

        /// <summary>The layer's (property's) name.</summary>
        public string Name { get; }

        public LayerKind Kind { get; }

        /// <summary>The attribute's name without "Attribute".</summary>
        public string Attribute => LayerDefinitions.Of(Kind).AttributeName!;

        /// <summary>The ONNX node it was made from (its name, else its first output).</summary>
        public string OnnxNode { get; }

        /// <summary>Constructor arguments: numbers, an <see cref="Activation"/>, or layer names (<c>[Add(a, b)]</c>).</summary>
        public IReadOnlyList<object> Positional => _positional;

        /// <summary>Named arguments in the order written; <c>Input</c> is a layer name.</summary>
        public IReadOnlyList<KeyValuePair<string, object>> Named => _named;

        internal Activation Activation => Value("Activation") is Activation a ? a : Activation.None;

        internal object? Value(string name) => _named.FirstOrDefault(n => n.Key == name).Value;

        /// <summary>Sets (or replaces) a named argument.</summary>
        internal ImportedLayer With(string name, object value)
        {
            Without(name);
            _named.Add(new KeyValuePair<string, object>(name, value));
            return this;
        }

        /// <summary>Leaves a named argument to its default.</summary>
        internal ImportedLayer Without(string name)
        {
            _named.RemoveAll(n => n.Key == name);
            return this;
        }

        /// <summary>Sets a named argument unless it is the attribute's default.</summary>
        internal ImportedLayer With(string name, object value, object defaultValue) => Equals(value, defaultValue) ? this : With(name, value);

        /// <summary>The layer's spec, read from the arguments by the kind's definition.</summary>
        internal LayerSpec ToSpec(int? onChip)
        {
            var definition = LayerDefinitions.Of(Kind);
            var arguments = new Arguments(this);
            return new LayerSpec(Name, Kind, definition.Read(arguments), definition.ReadInputs(arguments), onChip);
        }

        /// <summary>The attribute as C#: <c>Conv2D(16, Kernel = 3, Activation = Activation.Relu)</c>.</summary>
        public string ToCSharp()
        {
            var arguments = _positional.Select(Literal).Concat(_named.Select(n => $"{n.Key} = {Literal(n.Value)}")).ToArray();
            return arguments.Length == 0 ? Attribute : $"{Attribute}({string.Join(", ", arguments)})";
        }

        private static string Literal(object value) => value switch
        {
            string layer => $"nameof({layer})",
            Activation activation => $"Activation.{activation}",
            bool b => b ? "true" : "false",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            int i => i.ToString(CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"No C# literal for {value.GetType().Name} '{value}'."),
        };

        /// <summary>The arguments as the compiler core reads an attribute's.</summary>
        private sealed class Arguments : IAttributeArguments
        {
            private readonly ImportedLayer _layer;

            public Arguments(ImportedLayer layer) => _layer = layer;

            public int Int(int position, string name) => At<int>(position, name);

            public int Int(string name, int fallback) => _layer.Value(name) is int i ? i : fallback;

            public double Double(int position, string name) => At<double>(position, name);

            public double Double(string name, double fallback) => _layer.Value(name) is double d ? d : fallback;

            public bool Bool(string name, bool fallback) => _layer.Value(name) is bool b ? b : fallback;

            public Activation Activation(int position, string name) => At<Activation>(position, name);

            public Activation Activation(string name) => _layer.Value(name) is Activation a ? a : Sdk.Activation.None;

            public string? String(string name) => _layer.Value(name) as string;

            public IReadOnlyList<string> Names(int position) => _layer._positional.Skip(position).OfType<string>().ToArray();

            private T At<T>(int position, string name) =>
                position < _layer._positional.Count && _layer._positional[position] is T value ? value
                : _layer.Value(name) is T named ? named : default!;
        }
    }
}
