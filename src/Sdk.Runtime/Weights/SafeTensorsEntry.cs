namespace Sdk.Runtime.Weights
{
    /// <summary>
    /// One tensor's header record in a safetensors file: its element type, shape, and the byte range
    /// [<paramref name="Begin"/>, <paramref name="End"/>) it occupies in the data buffer after the header.
    /// </summary>
    public sealed record SafeTensorsEntry(string Name, WireDtype Dtype, int[] Shape, long Begin, long End)
    {
        /// <summary>The number of elements (product of the shape).</summary>
        public long ElementCount => NamedTensor.ElementCountOf(Shape);

        /// <summary>The tensor's size in bytes.</summary>
        public long ByteCount => End - Begin;
    }
}
