# The importer: parsers, mapping rules (tst_import) and the corpus of
# real-world-style configs with their expected mapping (tst_importcorpus).
hafront_add_test(tst_import SOURCES tst_import.cpp LIBS hafront_import LABELS unit)
hafront_add_test(tst_importcorpus SOURCES tst_importcorpus.cpp LIBS hafront_import LABELS unit)
# The console's File > Import... dialog and its report model.
hafront_add_test(tst_importdialog SOURCES tst_importdialog.cpp LIBS hafront_console_views LABELS gui)
