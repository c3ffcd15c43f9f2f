using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Sdk.Generator.Parsing;

/// <summary>
/// Typed access to one attribute's arguments. Arguments the compiler could not bind (wrong type, missing) make
/// <see cref="IsBroken"/> true instead of throwing: the compiler has already reported them.
/// </summary>
internal sealed class AttributeReader
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

    public int Int(int position, int fallback = 0) => Ctor(position) is { Value: int v } ? v : Fail(fallback);

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

    public double Double(int position) => Ctor(position) switch
    {
        { Value: double v } => v,
        { Value: float v } => v,
        { Value: int v } => v,
        _ => Fail(0.0),
    };

    public bool Bool(string name, bool fallback) => Named(name) is { } c ? (c.Value is bool v ? v : Fail(fallback)) : fallback;

    public string? String(string name) => Named(name)?.Value as string;

    /// <summary>An enum argument as its underlying int.</summary>
    public int Enum(string name, int fallback) => Named(name) is { } c ? (c.Value is int v ? v : Fail(fallback)) : fallback;

    public int Enum(int position) => Ctor(position) is { Value: int v } ? v : Fail(0);

    public bool Has(string name) => Named(name) is not null;

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
