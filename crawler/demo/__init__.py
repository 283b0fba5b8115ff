"""The bundled offline demo site: five Chinese news sub-sites in real encodings, with their furniture.

``content/*.yaml`` holds the articles (clean text), ``sitegen`` renders every served resource
byte-exactly, ``server`` serves them over real HTTP/1.1 (``python -m crawler.demo.server``), and
``sitegen.expected_articles`` says what an ideal archiver writes for each article.
"""
