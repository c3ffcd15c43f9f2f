using System;
using System.IO;
using System.Linq;
using Sdk.Runtime.Data;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Data
{
    public sealed class FashionMnistTests : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        private void WriteSet(string prefix, int count, int size, bool gzip) => HandMadeIdx.WriteSet(_temp.Path, prefix, count, size, gzip);

        [Fact]
        public void Locates_gzipped_and_plain_files_in_an_override_directory()
        {
            WriteSet("train", 5, 28, gzip: true);
            WriteSet("t10k", 3, 28, gzip: false);

            FashionMnistFiles? files = FashionMnist.Locate(_temp.Path);

            Assert.NotNull(files);
            Assert.Equal(_temp.File("train-images-idx3-ubyte.gz"), files.TrainImages);
            Assert.Equal(_temp.File("t10k-labels-idx1-ubyte"), files.TestLabels);
            Assert.Equal(5, FashionMnist.LoadTrain(_temp.Path).Count);
            Assert.Equal(3, FashionMnist.LoadTest(_temp.Path).Count);
        }

        [Fact]
        public void Missing_files_give_null_or_a_clear_exception()
        {
            WriteSet("train", 5, 28, gzip: true);
            Assert.Null(FashionMnist.Locate(_temp.Path));
            var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadTrain(_temp.Path));
            Assert.Contains("dataset-fashion-mnist", e.Message);
        }

        [Fact]
        public void Images_that_are_not_28x28_are_rejected()
        {
            WriteSet("train", 2, 8, gzip: true);
            WriteSet("t10k", 2, 8, gzip: true);
            var e = Assert.Throws<DatasetFormatException>(() => FashionMnist.LoadTest(_temp.Path));
            Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
            Assert.Contains("8x8", e.Message);
        }

        [Fact]
        public void A_label_that_is_not_a_fashion_class_is_rejected_at_load()
        {
            WriteSet("train", 5, 28, gzip: true);
            HandMadeIdx.WriteSet(_temp.Path, "t10k", 3, 28, gzip: false, labels: [0, 1, 10]);
            string labels = _temp.File("t10k-labels-idx1-ubyte");

            Assert.Equal(5, FashionMnist.LoadTrain(_temp.Path).Count);
            var e = Assert.Throws<DatasetFormatException>(() => FashionMnist.LoadTest(_temp.Path));
            Assert.Equal(labels, e.FilePath);
            Assert.Contains("the label of sample 2 is 10, outside the 10 classes [0, 10)", e.Message);
        }

        [Fact]
        public void A_truncated_file_of_the_set_is_rejected_with_its_name()
        {
            WriteSet("train", 5, 28, gzip: false);
            WriteSet("t10k", 3, 28, gzip: false);
            string images = _temp.File("train-images-idx3-ubyte");
            File.WriteAllBytes(images, File.ReadAllBytes(images)[..1000]);
            var e = Assert.Throws<DatasetFormatException>(() => FashionMnist.LoadTrain(_temp.Path));
            Assert.Equal(images, e.FilePath);
            Assert.Contains("the data is truncated: the header [5, 28, 28] needs 3920 bytes, the file has 984", e.Message);
        }

        [Fact]
        public void Debian_directory_is_where_the_package_puts_the_files()
        {
            Assert.Equal("/usr/share/datasets/fashion-mnist", FashionMnist.DebianDirectory);
            Assert.Equal(10, FashionMnist.ClassNames.Count);
        }

        [FashionMnistFact]
        public void Reads_the_real_training_set()
        {
            ImageDataset train = FashionMnist.LoadTrain();

            Assert.Equal((60000, 1, 28, 28), (train.Count, train.Channels, train.Height, train.Width));
            Assert.Equal(60000 * 784, train.Images.Length);
            Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], train.Labels.Take(10).Select(l => (int)l));
            Assert.All(CountPerClass(train), c => Assert.Equal(6000, c));
            // Byte sums computed with numpy from the same files: exact after undoing the /255 scaling.
            Assert.Equal(76247L, ByteSum(train.Image(0)));
            Assert.Equal(3431114169L, ByteSum(train.Images));
        }

        [FashionMnistFact]
        public void Reads_the_real_test_set_and_batches_it()
        {
            ImageDataset test = FashionMnist.LoadTest();

            Assert.Equal((10000, 28, 28), (test.Count, test.Height, test.Width));
            Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], test.Labels.Take(10).Select(l => (int)l));
            Assert.All(CountPerClass(test), c => Assert.Equal(1000, c));
            Assert.Equal(573469082L, ByteSum(test.Images));
            Assert.Equal(0f, test.Images.Min());
            Assert.Equal(1f, test.Images.Max());

            var loader = new DataLoader(test, batchSize: 128, shuffle: true, seed: 1, dropLast: true);
            Assert.Equal(78, loader.BatchCount);
            int seen = 0;
            foreach (Batch batch in loader.Epoch(0))
            {
                Assert.Equal(128 * 784, batch.ImageSpan.Length);
                Assert.All(batch.LabelSpan.ToArray(), l => Assert.InRange(l, 0, 9));
                seen += batch.Count;
            }

            Assert.Equal(9984, seen);
        }

        private static int[] CountPerClass(ImageDataset data)
        {
            var counts = new int[10];
            foreach (byte label in data.Labels)
            {
                Assert.InRange(label, 0, 9);
                counts[label]++;
            }

            return counts;
        }

        private static long ByteSum(ReadOnlySpan<float> pixels)
        {
            long sum = 0;
            foreach (float p in pixels)
            {
                sum += (long)MathF.Round(p * 255f);
            }

            return sum;
        }
    }
}
