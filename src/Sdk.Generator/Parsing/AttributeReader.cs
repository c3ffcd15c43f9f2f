using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Sdk.Compiler;

namespace Sdk.Generator.Parsing;

/// <summary>
/// Typed access to one attribute's arguments, for the compiler's <see cref="LayerDefinition.Read"/>. Arguments
/// the compiler could not bind (wrong type, missing) make <see cref="IsBroken"/> true instead of throwing: the C#
/// compiler has already reported them.
/// </summary>
internal sealed class AttributeReader : IAttributeArguments
{
    private readonly AttributeData _data;

    public AttributeReader(AttributeData data)
    {
        _data = data;
        IsBroken = data.AttributeConstructor is null;
        foreach (var argument in data.ConstructorArguments)
        {
            IsBroken |= argument.Kind == TypedConstantKind.Error;
        }

        foreach (var argument in data.NamedArguments)
        {
            IsBroken |= argument.Value.Kind == TypedConstantKind.Error;
        }
    }

    public bool IsBroken { get; private set; }

    public int Int(int position, string name) => Ctor(position) is { Value: int v } ? v : Fail(0);

    public int Int(string name, int fallback) => Named(name) is { } c ? (c.Value is int v ? v : Fail(fallback)) : fallback;

    public long Long(string name, long fallback) => Named(name) switch
    {
        null => fallback,
        { Value: long v } => v,
        { Value: int v } => v,
        _ => Fail(fallback),
    };

    public double Double(string name, double fallback) => Named(name) switch
    {
        null => fallback,
        { Value: double v } => v,
        { Value: float v } => v,
        { Value: int v } => v,
        _ => Fail(fallback),
    };

    public double Double(int position, string name) => Ctor(position) switch
    {
        { Value: double v } => v,
        { Value: float v } => v,
        { Value: int v } => v,
        _ => Fail(0.0),
    };

    public bool Bool(string name, bool fallback) => Named(name) is { } c ? (c.Value is bool v ? v : Fail(fallback)) : fallback;

    public string? String(string name) => Named(name)?.Value as string;

    /// <summary>An enum argument by its value (the compiler checks the range).</summary>
    public Activation Activation(string name) => (Activation)Enum(name, 0);

    public Activation Activation(int position, string name) => Ctor(position) is { Value: int v } ? (Activation)v : (Activation)Fail(0);

    public int Enum(string name, int fallback) => Named(name) is { } c ? (c.Value is int v ? v : Fail(fallback)) : fallback;

    public IReadOnlyList<string> Names(int position)
    {
        var names = new List<string>();
        foreach (var value in Array(position) ?? ImmutableArray<object?>.Empty)
        {
            names.Add(value as string ?? string.Empty);
        }

        return names;
    }

    /// <summary>An <c>int[]</c> or <c>params string[]</c> argument; null when absent.</summary>
    public ImmutableArray<object?>? Array(int position) => Ctor(position) is { Kind: TypedConstantKind.Array } c ? Values(c) : null;

    public ImmutableArray<object?>? Array(string name) => Named(name) is { Kind: TypedConstantKind.Array } c ? Values(c) : null;

    private static ImmutableArray<object?> Values(TypedConstant array)
    {
        if (array.IsNull)
        {
            return ImmutableArray<object?>.Empty;
        }

        var builder = ImmutableArray.CreateBuilder<object?>(array.Values.Length);
        foreach (var value in array.Values)
        {
            builder.Add(value.Kind == TypedConstantKind.Error ? null : value.Value);
        }

        return builder.MoveToImmutable();
    }

    private TypedConstant? Ctor(int position) =>
        position < _data.ConstructorArguments.Length ? _data.ConstructorArguments[position] : null;

    private TypedConstant? Named(string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in _data.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value;
            }
        }

        return null;
    }

    private T Fail<T>(T fallback)
    {
        IsBroken = true;
        return fallback;
    }
}
